import { describe, expect, it } from 'vitest';
import { clientOrderIdOf, MAX_CLIENT_ORDER_ID_LENGTH, sequentialIds } from '../../../src/main/engine/ids';
import {
  canTransition,
  IllegalOrderTransition,
  OrderManager,
  OrderTicket,
  transition,
} from '../../../src/main/engine/orders';
import type { OrderStatus } from '../../../src/shared/domain/trading';

const ALL: readonly OrderStatus[] = [
  'new',
  'accepted',
  'partially_filled',
  'filled',
  'canceled',
  'rejected',
  'expired',
];
const LEGAL = new Set([
  'new→accepted',
  'new→rejected',
  'new→canceled',
  'accepted→partially_filled',
  'accepted→filled',
  'accepted→canceled',
  'accepted→expired',
  'accepted→rejected',
  'partially_filled→partially_filled',
  'partially_filled→filled',
  'partially_filled→canceled',
  'partially_filled→expired',
]);

function ticket(overrides: Partial<OrderTicket> = {}): OrderTicket {
  const t = new OrderTicket();
  t.symbol = 'AAPL';
  t.qty = 10;
  t.reason = 'test';
  t.referencePrice = 100;
  return Object.assign(t, overrides);
}

describe('order lifecycle state machine', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      const legal = LEGAL.has(`${from}→${to}`);
      it(`${from} → ${to} is ${legal ? 'allowed' : 'illegal and throws'}`, () => {
        const order = { id: 'o1', status: from };
        expect(canTransition(from, to)).toBe(legal);
        if (legal) {
          transition(order, to);
          expect(order.status).toBe(to);
        } else {
          expect(() => transition(order, to)).toThrow(IllegalOrderTransition);
          expect(order.status).toBe(from);
        }
      });
    }
  }

  it('a filled order cannot be canceled, and the error names the order and both statuses', () => {
    expect(() => transition({ id: 'bt-o7', status: 'filled' }, 'canceled')).toThrow(
      'order bt-o7: illegal status change filled → canceled',
    );
  });
});

describe('order manager', () => {
  it('gives deterministic ids and client order ids of at most 48 characters', () => {
    const first = new OrderManager(sequentialIds('run'), 1).create(ticket());
    const again = new OrderManager(sequentialIds('run'), 1).create(ticket());
    expect(first.id).toBe('run-o1');
    expect(first.clientOrderId).toBe('run-AAPL-1');
    expect(again.id).toBe(first.id);
    const longest = clientOrderIdOf('abcdefghijklmnop', 'VERY.LONG/SYMBOL-NAME-USD', Number.MAX_SAFE_INTEGER);
    expect(longest.length).toBeLessThanOrEqual(MAX_CLIENT_ORDER_ID_LENGTH);
  });

  it('refuses a NaN quantity, a limit order without a limit price and a bad trailing percent', () => {
    const manager = new OrderManager(sequentialIds(), 1);
    expect(() => manager.create(ticket({ qty: Number.NaN }))).toThrow('qty NaN must be > 0');
    expect(() => manager.create(ticket({ type: 'limit' }))).toThrow('limitPrice undefined');
    expect(() => manager.create(ticket({ type: 'trailing_stop', trailPercent: 150 }))).toThrow(
      'trailPercent',
    );
  });

  it('records partial then complete fills with the average price', () => {
    const manager = new OrderManager(sequentialIds(), 1);
    const order = manager.create(ticket());
    manager.transition(order, 'accepted');
    manager.recordFill(order, 4, 100, 0);
    expect(order.status).toBe('partially_filled');
    manager.recordFill(order, 6, 110, 0);
    expect(order.status).toBe('filled');
    expect(order.avgFillPrice).toBeCloseTo(106, 10);
    expect(() => manager.recordFill(order, 1, 100, 0)).toThrow();
  });

  it('tracks the signed quantity pending in entries until they fill or are canceled', () => {
    const manager = new OrderManager(sequentialIds(), 1);
    const entry = manager.create(ticket({ side: 'sell' }));
    expect(manager.pendingQty[0]).toBe(-10);
    manager.transition(entry, 'accepted');
    manager.recordFill(entry, 4, 100, 0);
    expect(manager.pendingQty[0]).toBe(-6);
    manager.transition(entry, 'canceled', 'user');
    expect(manager.pendingQty[0]).toBe(0);
  });

  it('builds bracket legs from the entry fill price and links them one-cancels-other', () => {
    const manager = new OrderManager(sequentialIds(), 1);
    const entry = manager.create(ticket({ bracket: { stopLossFraction: 0.05, takeProfitFraction: 0.1 } }));
    manager.transition(entry, 'accepted');
    manager.recordFill(entry, 10, 200, 0);
    const [stop, target] = manager.createBracketLegs(entry, 0);
    expect(stop?.type).toBe('stop');
    expect(stop?.stopPrice).toBeCloseTo(190, 10);
    expect(target?.type).toBe('limit');
    expect(target?.limitPrice).toBeCloseTo(220, 10);
    expect(stop?.sibling).toBe(target);
    expect(target?.sibling).toBe(stop);
    expect(stop?.parentId).toBe(entry.id);
    expect(stop?.side).toBe('sell');
    expect(stop?.qty).toBe(10);
  });
});

describe('decision price: what an order was meant to fill at', () => {
  const manager = new OrderManager(sequentialIds('dp'), 1);
  it('a market order: the close it was decided at', () => {
    expect(manager.create(ticket({ type: 'market' })).decisionPrice).toBe(100);
  });
  it('a limit order: its limit; a stop or stop-limit: its stop', () => {
    expect(manager.create(ticket({ type: 'limit', limitPrice: 98.5 })).decisionPrice).toBe(98.5);
    expect(manager.create(ticket({ type: 'stop', side: 'sell', stopPrice: 95 })).decisionPrice).toBe(95);
    expect(
      manager.create(ticket({ type: 'stop_limit', side: 'sell', stopPrice: 95, limitPrice: 94 }))
        .decisionPrice,
    ).toBe(95);
  });
  it('a trailing stop: its level now (a sell 5 % under the best price since it started)', () => {
    const order = manager.create(ticket({ type: 'trailing_stop', side: 'sell', trailPercent: 5 }));
    expect(order.decisionPrice).toBeCloseTo(95, 12);
    order.trailExtreme = 110;
    expect(order.decisionPrice).toBeCloseTo(104.5, 12);
  });
});
