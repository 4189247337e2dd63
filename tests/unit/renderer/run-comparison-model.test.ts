// The comparison's rows as text: each metric for A and B, B − A in the metric's own unit with a tone for better or
// worse, and each differing setting with a readable name and its unit.
import { describe, expect, test } from 'vitest';
import {
  formatSetting,
  metricComparisonRows,
  metricComparisonTable,
  settingDifferenceRows,
  settingLabel,
} from '../../../src/renderer/src/views/backtests/run-comparison-model';
import type { PerformanceMetrics } from '../../../src/shared/domain/metrics';

const metrics = (patch: Partial<PerformanceMetrics> = {}): PerformanceMetrics => ({
  totalReturn: 0.1,
  cagr: 0.05,
  annualVolatility: 0.12,
  sharpe: 1.1,
  sortino: 1.6,
  calmar: 0.9,
  maxDrawdown: 0.08,
  maxDrawdownDuration: 40,
  maxDrawdownDurationMs: 40 * 86_400_000,
  winRate: 0.55,
  profitFactor: 1.4,
  averageWin: 800,
  averageLoss: -500,
  expectancy: 120,
  largestWin: 3000,
  largestLoss: -1500,
  longestWinStreak: 4,
  longestLossStreak: 3,
  recoveryFactor: 2.5,
  exposureTime: 0.4,
  trades: 20,
  fees: 35,
  startEquity: 100_000,
  endEquity: 110_000,
  periods: 755,
  periodsPerYear: 252,
  sampleTooSmall: false,
  ...patch,
});

const row = (rows: ReturnType<typeof metricComparisonRows>, label: string) => {
  const found = rows.find((r) => r.label === label);
  if (!found) throw new Error(`no row ${label}`);
  return found;
};

describe('metricComparisonRows', () => {
  test('an annualised figure on too few bars shows a dash with the reason, and no difference', () => {
    const rows = metricComparisonRows(
      metrics({ sharpe: 148.3, periods: 12, sampleTooSmall: true }),
      metrics(),
    );
    const sharpe = row(rows, 'Sharpe');
    expect(sharpe.a).toBe('—');
    expect(sharpe.aTitle).toBe('too few bars (13) for an annualised figure: it needs 30 returns (31 bars)');
    expect(sharpe.b).toBe('1.10');
    expect(sharpe.bTitle).toBeUndefined();
    expect(sharpe.difference).toBe('—');
    // Not annualised: shown whatever the sample.
    expect(row(rows, 'Total return').a).toBe('+10.00%');
  });

  test('percent figures differ in percentage points, money in dollars, ratios plainly, counts whole', () => {
    const rows = metricComparisonRows(
      metrics(),
      metrics({ totalReturn: 0.1234, endEquity: 112_340, sharpe: 0.8, trades: 23 }),
    );

    expect(row(rows, 'Total return')).toEqual({
      label: 'Total return',
      a: '+10.00%',
      b: '+12.34%',
      difference: '+2.34 pp',
      tone: 'up',
    });
    expect(row(rows, 'End equity')).toMatchObject({
      a: '$110,000.00',
      b: '$112,340.00',
      difference: '+$2,340.00',
    });
    expect(row(rows, 'Sharpe')).toMatchObject({ difference: '-0.30', tone: 'down' });
    expect(row(rows, 'Trades')).toMatchObject({ difference: '+3', tone: undefined }); // more trades: neither better nor worse
  });

  test('lower is better for drawdown, volatility and fees: a rise is worse', () => {
    const rows = metricComparisonRows(
      metrics(),
      metrics({ maxDrawdown: 0.1, fees: 20, annualVolatility: 0.15 }),
    );

    expect(row(rows, 'Max drawdown')).toMatchObject({ difference: '+2.00 pp', tone: 'down' });
    expect(row(rows, 'Fees')).toMatchObject({ difference: '-$15.00', tone: 'up' });
    expect(row(rows, 'Annual volatility')).toMatchObject({ difference: '+3.00 pp', tone: 'down' });
  });

  test('a smaller loss (average loss closer to zero) is better', () => {
    expect(
      row(metricComparisonRows(metrics(), metrics({ averageLoss: -300 })), 'Average loss'),
    ).toMatchObject({
      a: '-$500.00',
      b: '-$300.00',
      difference: '+$200.00',
      tone: 'up',
    });
  });

  test('equal figures and figures that round to nothing have no sign and no tone', () => {
    const rows = metricComparisonRows(metrics(), metrics({ totalReturn: 0.10001 }));

    expect(row(rows, 'Total return')).toMatchObject({ difference: '0.00 pp', tone: undefined });
    expect(row(rows, 'Fees')).toMatchObject({ difference: '$0.00', tone: undefined });
    expect(row(rows, 'Trades')).toMatchObject({ difference: '0', tone: undefined });
  });

  test('a figure missing on either side (no losing trade: no profit factor) has no difference', () => {
    expect(row(metricComparisonRows(metrics(), metrics({ profitFactor: null })), 'Profit factor')).toEqual({
      label: 'Profit factor',
      a: '1.40',
      b: '—',
      difference: '—',
      tone: undefined,
    });
  });

  test('the longest drawdown compares in time, or in bars when a run has no timestamps; it follows max drawdown', () => {
    const inTime = metricComparisonRows(metrics(), metrics({ maxDrawdownDurationMs: 50 * 86_400_000 }));
    expect(row(inTime, 'Longest drawdown')).toMatchObject({
      a: '40d 0h',
      b: '50d 0h',
      difference: '+10d 0h',
      tone: 'down',
    });
    const labels = inTime.map((r) => r.label);
    expect(labels.indexOf('Longest drawdown')).toBe(labels.indexOf('Max drawdown') + 1);

    const inBars = metricComparisonRows(
      metrics(),
      metrics({ maxDrawdownDurationMs: null, maxDrawdownDuration: 30 }),
    );
    expect(row(inBars, 'Longest drawdown')).toMatchObject({
      a: '40 bars',
      b: '30 bars',
      difference: '-10 bars',
      tone: 'up',
    });
  });
});

describe('metricComparisonTable', () => {
  test('four runs: a figure per run, and B, C and D each measured against A with its own tone', () => {
    const rows = metricComparisonTable([
      metrics(),
      metrics({ totalReturn: 0.1234 }),
      metrics({ totalReturn: 0.05, sharpe: 148.3, periods: 12, sampleTooSmall: true }),
      metrics(),
    ]);
    const totalReturn = rows.find((r) => r.label === 'Total return')!;

    expect(totalReturn.values.map((v) => v.text)).toEqual(['+10.00%', '+12.34%', '+5.00%', '+10.00%']);
    expect(totalReturn.differences).toEqual([
      { text: '+2.34 pp', tone: 'up' },
      { text: '-5.00 pp', tone: 'down' },
      { text: '0.00 pp', tone: undefined },
    ]);
    // C's Sharpe is withheld (too few bars): a dash with the reason, and no difference against A.
    const sharpe = rows.find((r) => r.label === 'Sharpe')!;
    expect(sharpe.values[2]).toMatchObject({ text: '—', title: expect.stringMatching(/too few bars/) });
    expect(sharpe.differences[1]!.text).toBe('—');
    expect(rows.map((r) => r.label)).toEqual(metricComparisonRows(metrics(), metrics()).map((r) => r.label));
  });

  test('fewer than two runs: no table', () => {
    expect(metricComparisonTable([metrics()])).toEqual([]);
  });
});

describe('settings that differ', () => {
  test('paths read as the form names them', () => {
    expect(settingLabel('strategy.params.fast')).toBe('Fast');
    expect(settingLabel('strategy.id')).toBe('Strategy');
    expect(settingLabel('risk.sizing.mode')).toBe('Sizing · Mode');
    expect(settingLabel('venue.slippageBps')).toBe('Slippage bps');
    expect(settingLabel('data.files.0.path')).toBe('File 1 · Path');
    expect(settingLabel('strategies.ACME.params.slow')).toBe('ACME override · Slow');
    expect(settingLabel('cash')).toBe('Cash');
  });

  test('values as text, absent as "not set", with the unit the form shows beside the field', () => {
    const rows = settingDifferenceRows([
      {
        section: 'general',
        path: 'cash',
        values: [{ value: 100_000 }, { value: 50_000 }, { value: 50_000 }],
      },
      { section: 'risk', path: 'risk.maxDrawdown', values: [null, { value: 0.2 }, null] },
      {
        section: 'costs',
        path: 'venue.commissionPerShare',
        values: [{ value: 0 }, { value: 0.005 }, { value: 0 }],
      },
      {
        section: 'data',
        path: 'data.symbols',
        values: [{ value: ['ACME'] }, { value: ['ACME', 'BOLT'] }, null],
      },
    ]);

    expect(rows.map(({ section, setting, values, unit }) => [section, setting, ...values, unit])).toEqual([
      ['General', 'Cash', '100,000', '50,000', '50,000', '$'],
      ['Risk', 'Max drawdown', 'not set', '0.2', 'not set', 'from the peak'],
      ['Fills and costs', 'Commission per share', '0', '0.005', '0', '$ / share'],
      ['Data', 'Symbols', 'ACME', 'ACME, BOLT', 'not set', ''],
    ]);
  });

  test('formatSetting: booleans and strings as written, null as "none"', () => {
    expect(formatSetting(true)).toBe('true');
    expect(formatSetting('next-open')).toBe('next-open');
    expect(formatSetting(null)).toBe('none');
    expect(formatSetting(undefined)).toBe('not set');
  });
});
