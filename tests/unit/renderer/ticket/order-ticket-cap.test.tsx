// @vitest-environment happy-dom
// The ticket's risk-based size is capped by what the session's account may spend: a cash account's cash, a margin
// account's buying power (multiplier × equity less what its positions hold), as the simulated broker judges a fill.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiContext } from '../../../../src/renderer/src/api/context';
import { OrderTicket } from '../../../../src/renderer/src/views/sessions/OrderTicket';
import type { SessionSnapshot } from '../../../../src/shared/domain/session';
import { fakeApi } from '../fake-api';

afterEach(cleanup);

const T0 = Date.UTC(2025, 0, 6, 15, 0);

/** $100,000 of equity: $20,000 in cash and $80,000 of BOLT held long; ACME last traded at 50. */
function snapshot(config: Record<string, unknown>): SessionSnapshot {
  return {
    session: {
      id: 'ss-1',
      name: 'margin test',
      version: 1,
      venue: config['venueKind'] === 'alpaca-paper' ? 'alpaca-paper' : 'simulated',
      symbols: ['ACME', 'BOLT'],
      timeframe: '1m',
      strategyId: 'sma-crossover',
      status: 'running',
      runId: 'run-1',
      createdAt: T0,
      updatedAt: T0,
      equity: 100_000,
      startingCash: 100_000,
      config,
    },
    runId: 'run-1',
    riskState: 'ACTIVE',
    riskReason: null,
    cash: 20_000,
    equity: 100_000,
    dayStartEquity: 100_000,
    positions: [
      {
        symbol: 'BOLT',
        qty: 1_000,
        avgPrice: 75,
        lastPrice: 80,
        marketValue: 80_000,
        unrealizedPnl: 5_000,
        realizedPnl: 0,
      },
    ],
    orders: [],
    fills: [],
    alerts: [],
    bars: {
      ACME: {
        time: Float64Array.of(T0),
        open: Float64Array.of(50),
        high: Float64Array.of(50),
        low: Float64Array.of(50),
        close: Float64Array.of(50),
        volume: Float64Array.of(1000),
        length: 1,
        indicators: [],
      },
    },
    equityCurve: { time: [T0], equity: [100_000] },
    reconciliation: [],
  };
}

/** Risk 5% of equity ($5,000) on a buy of ACME at 50 with its stop at 49: 5,000 shares by risk alone. */
function sizeByRisk(config: Record<string, unknown>): { words: string; send: string } {
  render(
    <ApiContext.Provider value={fakeApi().api}>
      <OrderTicket snapshot={snapshot(config)} replacing={null} onReplaced={() => {}} />
    </ApiContext.Provider>,
  );
  fireEvent.click(screen.getByRole('button', { name: 'Risk' }));
  fireEvent.change(screen.getByLabelText('Risk', { selector: 'input' }), { target: { value: '5' } });
  fireEvent.change(screen.getByLabelText('Stop', { selector: 'input' }), { target: { value: '49' } });
  return {
    words: screen.getByTestId('ticket-sizing').textContent ?? '',
    send: screen.getByTestId('ticket-send').textContent ?? '',
  };
}

describe('the ticket’s size cap', () => {
  test('a margin account is capped by its buying power: 2 × $100,000 equity − $80,000 held = $120,000', () => {
    const { words, send } = sizeByRisk({ account: { type: 'margin', multiplier: 2 } });

    expect(words).toContain('= 5000 shares (rounded down)');
    expect(words).toContain('capped at 2400 by buying power (2x equity) $120,000.00 ÷ 50.00');
    expect(send).toBe('Buy 2,400 ACME');
  });

  test('a 4x margin account at $100,000 of equity: $320,000 of buying power, more than the risk needs', () => {
    const { words } = sizeByRisk({ account: { type: 'margin', multiplier: 4 } });

    // 4 × 100,000 − 80,000 = 320,000 buys 6,400 shares: more than the risk's 5,000, so the risk sets the size.
    expect(words).not.toContain('capped');
    expect(words).toContain('= 5000 shares (rounded down)');
  });

  test('a cash account is capped by its cash: $20,000 buys 400 shares', () => {
    const { words, send } = sizeByRisk({ account: { type: 'cash', multiplier: 2 } });

    expect(words).toContain('capped at 400 by cash $20,000.00 ÷ 50.00');
    expect(send).toBe('Buy 400 ACME');
  });

  test('an Alpaca session spends from its own capital left (cash): the account’s buying power is Alpaca’s to judge', () => {
    const { words } = sizeByRisk({ venueKind: 'alpaca-paper', account: { type: 'margin', multiplier: 2 } });

    expect(words).toContain('capped at 400 by cash $20,000.00 ÷ 50.00');
  });
});
