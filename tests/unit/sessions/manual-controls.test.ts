// The ticket's controls as the ledger records them (so a recovered or replayed run sends the same orders at the
// same bar), and how a wrapped strategy passes the ticket's intents on: while paused on a real market too, never
// during a flatten.
import { describe, expect, test } from 'vitest';
import type { OrderIntent, Strategy, StrategyContext } from '../../../src/main/engine/strategy';
import { ControlledStrategy, controlOf } from '../../../src/main/sessions/run-controls';

describe('recorded ticket controls', () => {
  test('an order, a close and a replace read back from their risk events', () => {
    const order = { symbol: 'ACME', side: 'buy', type: 'limit', qty: 5, limitPrice: 99.5 };
    expect(controlOf('user-order', JSON.stringify(order))).toEqual({ kind: 'manual-order', order });
    expect(controlOf('user-close-position', 'close of the ACME position requested by the user')).toEqual({
      kind: 'close-position',
      symbol: 'ACME',
    });
    const change = { limitPrice: 98 };
    expect(controlOf('user-replace-order', JSON.stringify({ orderId: 'r1-o7', change }))).toEqual({
      kind: 'replace-order',
      orderId: 'r1-o7',
      change,
    });
    expect(controlOf('user-close-position', 'something else')).toBeUndefined();
  });
});

describe('the ticket intents through a controlled strategy', () => {
  const own: OrderIntent = { symbol: 'ACME', side: 'buy', purpose: 'open', reason: 'strategy' };
  const inner: Strategy = { onBar: () => [own] };
  const manual: OrderIntent = {
    symbol: 'ACME',
    side: 'buy',
    purpose: 'open',
    qty: 2,
    reason: 'ticket',
    manual: true,
  };
  const ctx = (position: number): StrategyContext =>
    ({ symbol: 'ACME', position, bar: { time: 0 } }) as unknown as StrategyContext;

  test('sent once, after the strategy’s own intents', () => {
    const strategy = new ControlledStrategy(inner, 'ACME');
    strategy.injectManual([manual]);
    expect(strategy.onBar(ctx(0))).toEqual([own, manual]);
    expect(strategy.onBar(ctx(0))).toEqual([own]);
  });

  test('paused on a real market: the strategy sends nothing, the ticket still does', () => {
    const strategy = new ControlledStrategy(inner, 'ACME');
    strategy.holding = true;
    strategy.injectManual([manual]);
    expect(strategy.onBar(ctx(0))).toEqual([manual]);
    expect(strategy.onBar(ctx(0))).toBeUndefined();
  });

  test('a flatten wins over the ticket', () => {
    const strategy = new ControlledStrategy(inner, 'ACME');
    strategy.flattening = true;
    strategy.injectManual([manual]);
    expect(strategy.onBar(ctx(3))).toEqual([
      { symbol: 'ACME', side: 'sell', purpose: 'close', reason: 'flatten requested by the user' },
    ]);
  });
});
