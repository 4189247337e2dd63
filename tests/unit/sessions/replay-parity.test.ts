// The classification of replay parity on hand-built fills: each reason from the case that defines it.
import { describe, expect, test } from 'vitest';
import {
  compareFills,
  type ParityFillInput,
  type ParityInputs,
  type ParityOrderInput,
} from '../../../src/main/sessions/replay-parity';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 15, 0);
const bar = (k: number) => T0 + k * MIN;
const barTimes = Array.from({ length: 20 }, (_, k) => bar(k));

const order = (id: string, decided: number, over: Partial<ParityOrderInput> = {}): ParityOrderInput => ({
  id,
  symbol: 'ACME',
  side: 'buy',
  qty: 100,
  createdAt: bar(decided),
  status: 'filled',
  statusReason: null,
  ...over,
});
const fill = (orderId: string, at: number, over: Partial<ParityFillInput> = {}): ParityFillInput => ({
  orderId,
  time: bar(at),
  symbol: 'ACME',
  side: 'buy',
  qty: 100,
  price: 50,
  ...over,
});

const inputs = (over: Partial<ParityInputs>): ParityInputs => ({
  sessionId: 's-1',
  venue: 'alpaca-paper',
  barTimes,
  barMs: MIN,
  session: { fills: [], orders: [] },
  replay: { fills: [], orders: [] },
  manualOrders: new Set(),
  ...over,
});

describe('replay parity classification', () => {
  test('identical fills match; a price within a cent still matches', () => {
    const report = compareFills(
      inputs({
        session: { fills: [fill('a', 2, { price: 50.009 })], orders: [order('a', 1)] },
        replay: { fills: [fill('x', 2)], orders: [order('x', 1)] },
      }),
    );
    expect(report).toMatchObject({ matched: 1, differences: [], sessionFills: 1, replayFills: 1 });
    expect(report.verdict).toBe('The replay gives every fill back: 1 fill matches');
  });

  test('the broker filling two bars later is latency, with the price difference in words', () => {
    const report = compareFills(
      inputs({
        session: { fills: [fill('a', 4, { price: 50.5 })], orders: [order('a', 1)] },
        replay: { fills: [fill('x', 2)], orders: [order('x', 1)] },
      }),
    );
    expect(report.matched).toBe(0);
    expect(report.differences).toHaveLength(1);
    expect(report.differences[0]).toMatchObject({ reason: 'latency' });
    expect(report.differences[0]!.detail).toBe(
      'filled 2 bars later at the broker than in the replay; price 50.5 vs 50 (+0.50/share, +50.00 in all)',
    );
    expect(report.verdict).toBe('1 of 1 fill differs: 1 latency');
  });

  test('same bar, another price: broker price, by how much; later orders sized differently follow from it', () => {
    const report = compareFills(
      inputs({
        session: {
          fills: [fill('a', 2, { price: 50.12 }), fill('b', 6, { side: 'sell', qty: 99, price: 51 })],
          orders: [order('a', 1), order('b', 5, { side: 'sell', qty: 99 })],
        },
        replay: {
          fills: [fill('x', 2), fill('y', 6, { side: 'sell', price: 51 })],
          orders: [order('x', 1), order('y', 5, { side: 'sell' })],
        },
      }),
    );
    expect(report.differences.map((d) => [d.reason, d.detail])).toEqual([
      ['broker-price', 'same bar, price 50.12 vs 50 (+0.12/share, +12.00 in all)'],
      [
        'broker-price',
        'ordered 99 vs 100 in the replay: sized on equity moved by the broker’s earlier prices',
      ],
    ]);
  });

  test('an order sized differently before any difference is unexplained, whatever its own fill price', () => {
    const report = compareFills(
      inputs({
        session: { fills: [fill('a', 2, { qty: 99, price: 50.5 })], orders: [order('a', 1, { qty: 99 })] },
        replay: { fills: [fill('x', 2)], orders: [order('x', 1)] },
      }),
    );
    expect(report.differences.map((d) => [d.reason, d.detail])).toEqual([
      ['unexplained', 'ordered 99 vs 100 in the replay'],
    ]);
  });

  test('a late fill at another price moves the equity too: a later order sized differently follows from it', () => {
    const report = compareFills(
      inputs({
        session: {
          fills: [fill('a', 4, { price: 50.3 }), fill('b', 6, { side: 'sell', qty: 99, price: 51 })],
          orders: [order('a', 1), order('b', 5, { side: 'sell', qty: 99 })],
        },
        replay: {
          fills: [fill('x', 2), fill('y', 6, { side: 'sell', price: 51 })],
          orders: [order('x', 1), order('y', 5, { side: 'sell' })],
        },
      }),
    );
    expect(report.differences.map((d) => d.reason)).toEqual(['latency', 'broker-price']);
    expect(report.differences[1]!.detail).toBe(
      'ordered 99 vs 100 in the replay: sized on equity moved by the broker’s earlier prices',
    );
  });

  test('a broker filling part of an order is a partial fill; the rest a bar later is latency', () => {
    const report = compareFills(
      inputs({
        session: {
          fills: [fill('a', 2, { qty: 40 }), fill('a', 3, { qty: 60 })],
          orders: [order('a', 1)],
        },
        replay: { fills: [fill('x', 2)], orders: [order('x', 1)] },
      }),
    );
    expect(report.differences.map((d) => [d.reason, d.detail])).toEqual([
      ['partial-fill', "the broker filled 40 of the order's 100 here; the replay filled 100"],
      [
        'latency',
        'the rest of the order (60 of 100) filled 1 bar later at the broker than the replay’s whole fill',
      ],
    ]);
  });

  test('an order the broker rejected that the replay filled is a rejection, and the reverse', () => {
    const report = compareFills(
      inputs({
        session: {
          fills: [fill('b', 6, { side: 'sell' })],
          orders: [
            order('a', 1, { status: 'rejected', statusReason: 'insufficient buying power' }),
            order('b', 5, { side: 'sell' }),
          ],
        },
        replay: {
          fills: [fill('x', 2)],
          orders: [
            order('x', 1),
            order('y', 5, { side: 'sell', status: 'rejected', statusReason: 'random rejection' }),
          ],
        },
      }),
    );
    expect(report.differences.map((d) => [d.reason, d.detail])).toEqual([
      ['rejection', 'the broker rejected the order (insufficient buying power); the replay filled it'],
      [
        'rejection',
        'the replay’s simulated broker refused the order (random rejection); the broker filled it',
      ],
    ]);
  });

  test('a user’s order is manual, and the replay’s later exit of the position it closed too', () => {
    const report = compareFills(
      inputs({
        venue: 'simulated',
        session: {
          fills: [fill('a', 2), fill('m', 4, { side: 'sell' })],
          orders: [order('a', 1), order('m', 3, { side: 'sell' })],
        },
        replay: {
          fills: [fill('x', 2), fill('y', 9, { side: 'sell', price: 55 })],
          orders: [order('x', 1), order('y', 8, { side: 'sell' })],
        },
        manualOrders: new Set(['m']),
      }),
    );
    expect(report.matched).toBe(1);
    expect(report.differences.map((d) => d.reason)).toEqual(['manual', 'manual']);
    expect(report.differences[1]!.detail).toBe(
      'only the replay filled this; it follows the user’s action at 2026-01-05T15:04:00.000Z: ACME held 0 in the session and 100 in the replay by then',
    );
  });

  test('a fill nothing explains is unexplained, on either side', () => {
    const report = compareFills(
      inputs({
        session: { fills: [fill('a', 2)], orders: [order('a', 1)] },
        replay: { fills: [fill('x', 7, { side: 'sell' })], orders: [order('x', 6, { side: 'sell' })] },
      }),
    );
    expect(report.differences.map((d) => [d.reason, d.session !== null, d.replay !== null])).toEqual([
      ['unexplained', true, false],
      ['unexplained', false, true],
    ]);
    expect(report.verdict).toBe('2 of 2 fills differ: 2 unexplained');
  });
});
