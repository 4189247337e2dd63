// @vitest-environment happy-dom
// The Options panel with a fake API answering with a real monitor (optionsMonitor over a fixture run): positions in
// the trader's words, every check with its band as a word, the overall band, skipped days by reason, the last fills
// against the model, the price source and the daily report; re-read when the session pushes; no data said in words.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { optionsMonitor } from '../../../src/main/sessions/options-monitor';
import { PHASE4D_PRESETS } from '../../../src/main/strategies/phase4d-rules';
import { ApiContext } from '../../../src/renderer/src/api/context';
import { OptionsPanel } from '../../../src/renderer/src/views/sessions/OptionsPanel';
import {
  contractLabel,
  fillVsModel,
  isOptionsSession,
  occLabel,
} from '../../../src/renderer/src/views/sessions/options-panel-model';
import type {
  OptionDayDecision,
  OptionPositionRow,
  OptionsMonitor,
} from '../../../src/shared/domain/options';
import type { Trade } from '../../../src/shared/domain/trading';
import { fakeApi, flush } from './fake-api';

afterEach(cleanup);

const SYMBOL = 'SPY250305P00571000';
const T0 = Date.UTC(2025, 2, 5, 15, 5); // 10:05 New York
const day = (k: number) => `2025-02-${String(20 + k).padStart(2, '0')}`;
const decisions: OptionDayDecision[] = Array.from(
  { length: 10 },
  (_, k): OptionDayDecision =>
    k < 6
      ? { day: day(k), decision: 'traded', inputs: {} }
      : k < 9
        ? { day: day(k), decision: 'skipped', reason: 'high_vix', inputs: { vixClose: 27 } }
        : { day: day(k), decision: 'skipped', reason: 'moderate_volatility', inputs: { previousRange: 6 } },
);
const trade = (pnl: number): Trade => ({
  symbol: SYMBOL,
  side: 'long',
  qty: 2,
  entryTime: T0,
  entryPrice: 5,
  exitTime: T0 + 3_600_000,
  exitPrice: 5,
  pnl,
  fees: 2.6,
  barsHeld: 12,
  exitReason: 'profit_target',
});

const fullMonitor: OptionsMonitor = {
  ...optionsMonitor({
    runId: 'r-opt1',
    preset: PHASE4D_PRESETS['2k'],
    decisions,
    // 6 trades, 4 wins: 4 × 120 − 2 × 60 = 360 ÷ 10 days = 36.00 (green); execution 60% (green); wins 66.7% (green)
    trades: [120, 120, -60, 120, -60, 120].map(trade),
    fills: [
      { symbol: SYMBOL, side: 'buy', qty: 2, price: 5.1, fee: 1.3, time: T0, decisionPrice: 5.1 },
      {
        symbol: SYMBOL,
        side: 'sell',
        qty: 2,
        price: 7.4,
        fee: 1.3,
        time: T0 + 3_600_000,
        decisionPrice: null,
      },
    ],
    expectedPrice: (_s, time) => (time === T0 ? 5 : 7.5),
    riskBreaches: [],
    priceSource: 'synthetic option prices: CRR American puts, σ = previous VIX close from VIX_History.csv',
    day: '2025-03-05',
  }),
  reportPath: '/data/reports/options/r-opt1/2025-03-05.json',
};

const position: OptionPositionRow = {
  symbol: SYMBOL,
  underlying: 'SPY',
  right: 'put',
  strike: 571,
  expiry: '2025-03-05',
  contracts: 2,
  avgPremium: 5.1,
  bid: 5.4,
  ask: 5.56,
  unrealizedPnl: 57.4,
};

async function show(
  monitor: OptionsMonitor | Error,
  positions: readonly OptionPositionRow[] = [position],
  refreshKey = 'a',
) {
  const fake = fakeApi({
    'session:options-monitor': () => {
      if (monitor instanceof Error) throw monitor;
      return monitor;
    },
    'session:option-positions': () => positions,
  });
  const view = render(
    <ApiContext.Provider value={fake.api}>
      <OptionsPanel runId="r-opt1" refreshKey={refreshKey} />
    </ApiContext.Provider>,
  );
  await act(flush);
  return { fake, view };
}

const row = (id: string) => screen.getByTestId(`check-${id}`);

describe('the Options panel', () => {
  test('positions in the trader’s words, every check with its band in words, the overall band, skips, fills and where the report is', async () => {
    await show(fullMonitor);

    const positions = screen.getByRole('table', { name: 'Option positions' });
    const cells = within(positions)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells).toEqual(['SPY 2025-03-05 571 P', '2', '5.10', '5.40 / 5.56', '+$57.40']);

    expect(row('daily_pnl').textContent).toContain('+$36.00 / day');
    expect(within(row('daily_pnl')).getByText('Green')).toBeTruthy();
    expect(row('daily_pnl').textContent).toContain('target $34.38');
    expect(row('execution_rate').textContent).toContain('60.0%');
    expect(within(row('execution_rate')).getByText('Green')).toBeTruthy();
    expect(row('win_rate').textContent).toContain('66.7%');
    expect(within(row('risk')).getByText('Green')).toBeTruthy();
    expect(row('risk').textContent).toContain('none');
    // costs = (2.60 + 20 + 20) ÷ 2,500 = 1.70%; fills vs model = 40 ÷ 2,500 = +1.60%: informational
    expect(row('costs').textContent).toContain('1.70% of premium');
    expect(within(row('costs')).getByText('Info')).toBeTruthy();
    expect(row('fill_slippage').textContent).toContain('+1.60% vs model');
    expect(screen.getByTestId('options-overall').textContent).toBe('Overall: Green');
    expect(screen.queryByTestId('options-waiting')).toBeNull();

    expect(screen.getByTestId('options-skipped').textContent).toBe(
      'High VIX 3 · Moderate volatility (previous range) 1',
    );
    expect(screen.getByTestId('options-figures').textContent).toContain('6 of 10');

    const fills = within(screen.getByRole('table', { name: 'Fills against the model' }));
    const fillRows = fills
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    // newest first: the sell at 7.40 against a model 7.50 is 0.10 (1.3%) worse; the buy at 5.10 vs 5.00 likewise 2.0%
    expect(fillRows).toEqual([
      '03-05 11:05 ETSPY 2025-03-05 571 Psell27.407.500.10 (1.3%) worse',
      '03-05 10:05 ETSPY 2025-03-05 571 Pbuy25.105.000.10 (2.0%) worse',
    ]);
    expect(screen.getByTestId('options-price-source').textContent).toContain('σ = previous VIX close');
    expect(screen.getByTestId('options-report').textContent).toBe(
      'Daily report: /data/reports/options/r-opt1/2025-03-05.json',
    );
  });

  test('a risk breach: the risk row and the overall band say Red, and the breach is listed', async () => {
    await show({
      ...fullMonitor,
      riskBreaches: ['2025-03-04 daily loss −$512.40 beyond the $500 limit'],
      checks: fullMonitor.checks.map((c) => (c.id === 'risk' ? { ...c, value: 1, band: 'red' } : c)),
      band: 'red',
    });
    expect(within(row('risk')).getByText('Red')).toBeTruthy();
    expect(row('risk').textContent).toContain('1 breach');
    expect(screen.getByTestId('options-overall').textContent).toBe('Overall: Red');
    expect(screen.getByRole('list', { name: 'Risk breaches' }).textContent).toContain('$512.40');
  });

  test('before any trade: "No data" chips with the reason, no positions, no fills, the report still to come', async () => {
    const empty = optionsMonitor({
      runId: 'r-opt1',
      preset: PHASE4D_PRESETS['25k'],
      decisions: [],
      trades: [],
      fills: [],
      riskBreaches: [],
      priceSource: 'synthetic option prices',
      day: '2025-03-05',
    });
    await show(empty, []);
    expect(within(row('daily_pnl')).getByText('No data')).toBeTruthy();
    expect(row('daily_pnl').textContent).toContain('no trading day yet');
    expect(row('win_rate').textContent).toContain('no trades yet');
    expect(row('daily_pnl').textContent).toContain('target $341.77');
    expect(screen.getByTestId('options-waiting').textContent).toBe('3 of the banded checks have no data yet');
    expect(screen.getByText('No open option position.')).toBeTruthy();
    expect(screen.getByText('No fills yet.')).toBeTruthy();
    expect(screen.getByTestId('options-report').textContent).toBe(
      'Daily report: written at the close of each trading day',
    );
  });

  test('re-reads the monitor and positions when the session pushes (refreshKey changes)', async () => {
    const { fake, view } = await show(fullMonitor);
    const asked = () => fake.calls.filter((c) => c.name === 'session:options-monitor').length;
    expect(asked()).toBe(1);
    view.rerender(
      <ApiContext.Provider value={fake.api}>
        <OptionsPanel runId="r-opt1" refreshKey="b" />
      </ApiContext.Provider>,
    );
    await act(flush);
    expect(asked()).toBe(2);
    expect(fake.calls.filter((c) => c.name === 'session:option-positions')).toHaveLength(2);
    expect(fake.calls[0]!.arg).toEqual({ runId: 'r-opt1' });
  });

  test('a run that is not an options run: the refusal in words', async () => {
    await show(new Error('run r-opt1 is not an options run (session s-1, strategy sma-crossover)'));
    expect(screen.getByRole('alert').textContent).toContain('is not an options run');
  });
});

describe('the panel’s words', () => {
  test('contracts as a trader names them; a half-dollar strike keeps its half', () => {
    expect(contractLabel({ underlying: 'SPY', expiry: '2025-03-05', strike: 571.5, right: 'put' })).toBe(
      'SPY 2025-03-05 571.5 P',
    );
    expect(occLabel('SPY250117C00450000')).toBe('SPY 2025-01-17 450 C');
    expect(occLabel('ACME')).toBe('ACME');
  });

  test('a sell above the model is better, a buy at the model is at the model, no model price is said', () => {
    const fill = { time: 0, symbol: SYMBOL, contracts: 1 };
    expect(fillVsModel({ ...fill, side: 'sell', price: 7.6, expectedPrice: 7.5 })).toEqual({
      text: '0.10 (1.3%) better',
      tone: 'up',
    });
    expect(fillVsModel({ ...fill, side: 'buy', price: 5, expectedPrice: 5 }).text).toBe('at the model');
    expect(fillVsModel({ ...fill, side: 'buy', price: 5, expectedPrice: null }).text).toBe('no model price');
  });

  test('an options session: Phase 4D, or a config with an options section', () => {
    expect(isOptionsSession({ strategyId: 'phase4d', config: {} })).toBe(true);
    expect(isOptionsSession({ strategyId: 'x', config: { options: { preset: '2k' } } })).toBe(true);
    expect(isOptionsSession({ strategyId: 'sma-crossover', config: {} })).toBe(false);
  });
});
