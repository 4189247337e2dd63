// @vitest-environment happy-dom
// The session page with a fake API: the Options panel appears for an options run (its config has `options`) and asks
// for that run's monitor and positions; it is absent for an equity session; a fill pushed for the session re-reads it.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppStoresProvider } from '../../../src/renderer/src/stores/context';
import { createAppStores } from '../../../src/renderer/src/stores/index';
import { SessionPage } from '../../../src/renderer/src/views/sessions/SessionPage';
import type { OptionsMonitor } from '../../../src/shared/domain/options';
import type { FillRow, SessionSnapshot } from '../../../src/shared/domain/session';
import { fakeApi, flush } from './fake-api';

vi.mock('../../../src/renderer/src/components/chart/CandleChart', () => ({
  CandleChart: () => <div data-testid="candle-chart" />,
}));
vi.mock('../../../src/renderer/src/components/chart/EquityChart', () => ({
  EquityChart: () => <div data-testid="equity-chart" />,
}));

let disconnect: (() => void) | undefined;
afterEach(() => {
  disconnect?.();
  cleanup();
});

const T0 = Date.UTC(2025, 2, 5, 15);

function snapshot(config: Record<string, unknown>): SessionSnapshot {
  return {
    session: {
      id: 's-opt1',
      name: 'Phase 4D',
      version: 1,
      venue: 'simulated',
      symbols: ['SPY'],
      timeframe: '5m',
      strategyId: 'sma-crossover',
      status: 'running',
      runId: 'r-opt1',
      createdAt: T0,
      updatedAt: T0,
      equity: 2000,
      startingCash: 2000,
      config,
    },
    runId: 'r-opt1',
    riskState: 'ACTIVE',
    riskReason: null,
    cash: 2000,
    equity: 2000,
    dayStartEquity: 2000,
    positions: [],
    orders: [],
    fills: [],
    alerts: [],
    bars: {},
    equityCurve: { time: [], equity: [] },
    reconciliation: [],
  };
}

const MONITOR: OptionsMonitor = {
  runId: 'r-opt1',
  preset: '2k',
  day: '2025-03-05',
  targetDailyPnl: 34.38,
  dailyPnl: null,
  tradingDays: 0,
  tradedDays: 0,
  executionRate: null,
  winRate: null,
  trades: 0,
  costsOfPremium: null,
  skippedByReason: {},
  fills: [],
  riskBreaches: [],
  checks: [{ id: 'risk', label: 'Risk limits', value: 0, target: 'no breach', band: 'green' }],
  band: 'green',
  priceSource: 'synthetic option prices',
};

async function page(config: Record<string, unknown>) {
  const fake = fakeApi({
    'session:get': () => snapshot(config),
    'session:options-monitor': () => MONITOR,
    'session:option-positions': () => [],
  });
  const stores = createAppStores(fake.api);
  // Pushes applied at once (no frame to wait for).
  const off = stores.sessions.connect((apply) => apply());
  await stores.sessions.getState().select('s-opt1');
  render(
    <AppStoresProvider stores={stores}>
      <SessionPage sessionId="s-opt1" />
    </AppStoresProvider>,
  );
  await act(flush);
  disconnect = off;
  return { fake };
}

const monitorCalls = (calls: { name: string; arg: unknown }[]) =>
  calls.filter((c) => c.name === 'session:options-monitor');

describe('the Options panel on the session page', () => {
  test('an options run shows it, asking for its own run; a fill pushed for the session re-reads it', async () => {
    const { fake } = await page({ symbols: ['SPY'], options: { strategy: 'phase4d', preset: '2k' } });
    expect(screen.getByRole('region', { name: 'Options' })).toBeTruthy();
    expect(screen.getByTestId('options-overall').textContent).toBe('Overall: Green');
    expect(monitorCalls(fake.calls).map((c) => c.arg)).toEqual([{ runId: 'r-opt1' }]);

    const fill: FillRow = {
      executionId: 'x1',
      orderId: 'o1',
      symbol: 'SPY250305P00571000',
      side: 'buy',
      qty: 2,
      price: 5.1,
      fee: 1.3,
      time: T0,
      decisionPrice: 5.1,
    };
    act(() => fake.emit('fill', [{ sessionId: 's-opt1', fill }]));
    // The push reaches the store at the next frame and the panel's refresh key through its throttle: wait for the
    // re-read rather than for one turn of the event loop.
    await waitFor(() => expect(monitorCalls(fake.calls)).toHaveLength(2));
  });

  test('an equity session has no Options panel and never asks for a monitor', async () => {
    const { fake } = await page({ symbols: ['SPY'], strategy: { id: 'sma-crossover', params: {} } });
    expect(screen.getByTestId('session-page')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Options' })).toBeNull();
    expect(monitorCalls(fake.calls)).toEqual([]);
  });
});
