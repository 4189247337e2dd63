import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dailyReportPath, writeDailyReport } from '../../../src/main/sessions/options-daily-report';
import {
  dailyPnlBand,
  type MonitoredFill,
  type OptionsMonitorInput,
  optionsMonitor,
  rateBand,
  riskBreachesOf,
} from '../../../src/main/sessions/options-monitor';
import { PHASE4D_PRESETS } from '../../../src/main/strategies/phase4d-rules';
import type { MonitorBand, OptionDayDecision } from '../../../src/shared/domain/options';
import type { Trade } from '../../../src/shared/domain/trading';

const SYMBOL = 'SPY250305P00571000';
const DAY_MS = 86_400_000;
const T0 = Date.parse('2025-03-05T15:00:00Z');

const day = (k: number): string =>
  new Date(Date.parse('2025-03-03T00:00:00Z') + k * DAY_MS).toISOString().slice(0, 10);

const trade = (pnl: number, k = 0): Trade => ({
  symbol: SYMBOL,
  side: 'long',
  qty: 2,
  entryTime: T0 + k * DAY_MS,
  entryPrice: 5,
  exitTime: T0 + k * DAY_MS + 3_600_000,
  exitPrice: 5 + pnl / 200,
  pnl,
  fees: 2.6,
  barsHeld: 12,
  exitReason: pnl > 0 ? 'profit_target' : 'end_of_day',
});

/** `days` trading days of which the first `traded` were traded and the rest skipped for high VIX. */
const decisions = (days: number, traded: number): OptionDayDecision[] =>
  Array.from({ length: days }, (_, k) =>
    k < traded
      ? { day: day(k), decision: 'traded', inputs: { vixClose: 18 } }
      : { day: day(k), decision: 'skipped', reason: 'high_vix', inputs: { vixClose: 27 } },
  );

const input = (over: Partial<OptionsMonitorInput> = {}): OptionsMonitorInput => ({
  runId: 'r-opt1',
  preset: PHASE4D_PRESETS['2k'],
  decisions: [],
  trades: [],
  fills: [],
  riskBreaches: [],
  priceSource: 'synthetic option prices: CRR American puts, σ = previous VIX close from VIX_History.csv',
  day: '2025-03-05',
  ...over,
});

const check = (monitor: ReturnType<typeof optionsMonitor>, id: string) => {
  const found = monitor.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} check`);
  return found;
};

describe('daily P&L band: within ±25% of the target green, ±50% amber, red beyond (boundaries belong to the better band)', () => {
  const cases: [target: number, pnl: number, band: MonitorBand][] = [
    [34.38, 34.38, 'green'],
    [34.38, 42.975, 'green'], // +25% exactly
    [34.38, 42.98, 'amber'],
    [34.38, 25.785, 'green'], // −25% exactly
    [34.38, 25.78, 'amber'],
    [34.38, 51.57, 'amber'], // +50% exactly
    [34.38, 51.58, 'red'],
    [34.38, 17.19, 'amber'], // −50% exactly
    [34.38, 17.18, 'red'],
    [34.38, 0, 'red'],
    [34.38, -34.38, 'red'],
    [341.77, 341.77, 'green'],
    [341.77, 427.2125, 'green'], // +25%
    [341.77, 427.22, 'amber'],
    [341.77, 256.3275, 'green'], // −25%
    [341.77, 256.32, 'amber'],
    [341.77, 512.655, 'amber'], // +50%
    [341.77, 512.66, 'red'],
    [341.77, 170.885, 'amber'], // −50%
    [341.77, 170.88, 'red'],
  ];
  it.each(cases)('target %d, daily P&L %d → %s', (target, pnl, band) => {
    expect(dailyPnlBand(pnl, target)).toBe(band);
  });

  it.each(cases)(
    'through the monitor: preset with target %d, one trading day, one trade of %d → %s',
    (target, pnl, band) => {
      const preset = target === 34.38 ? PHASE4D_PRESETS['2k'] : PHASE4D_PRESETS['25k'];
      const monitor = optionsMonitor(input({ preset, decisions: decisions(1, 1), trades: [trade(pnl)] }));
      expect(monitor.dailyPnl).toBeCloseTo(pnl, 9);
      expect(check(monitor, 'daily_pnl').band).toBe(band);
    },
  );

  it('daily P&L is the closed trades’ total over every trading day decided, skipped days included', () => {
    // 4 trading days, 2 traded: (+100 − 31.24) ÷ 4 = 17.19 = −50% of 34.38 → amber.
    const monitor = optionsMonitor(
      input({ decisions: decisions(4, 2), trades: [trade(100, 0), trade(-31.24, 1)] }),
    );
    expect(monitor.tradingDays).toBe(4);
    expect(monitor.dailyPnl).toBeCloseTo(17.19, 9);
    expect(check(monitor, 'daily_pnl').band).toBe('amber');
  });
});

describe('execution rate band: green ≥ 50%, amber ≥ 30%, red below', () => {
  const cases: [traded: number, days: number, band: MonitorBand][] = [
    [1, 2, 'green'],
    [10, 10, 'green'],
    [49, 100, 'amber'],
    [3, 10, 'amber'],
    [29, 100, 'red'],
    [0, 5, 'red'],
  ];
  it.each(cases)('%d of %d days traded → %s', (traded, days, band) => {
    const monitor = optionsMonitor(input({ decisions: decisions(days, traded) }));
    expect(monitor.executionRate).toBeCloseTo(traded / days, 12);
    expect(check(monitor, 'execution_rate').band).toBe(band);
    expect(rateBand(traded / days, { green: 0.5, amber: 0.3 })).toBe(band);
  });
});

describe('win rate band: green ≥ 55%, amber ≥ 45%, red below', () => {
  const cases: [wins: number, trades: number, band: MonitorBand][] = [
    [11, 20, 'green'],
    [54, 100, 'amber'],
    [9, 20, 'amber'],
    [44, 100, 'red'],
    [0, 3, 'red'],
  ];
  it.each(cases)('%d wins of %d trades → %s', (wins, count, band) => {
    const trades = Array.from({ length: count }, (_, k) => trade(k < wins ? 50 : -20, k));
    const monitor = optionsMonitor(input({ decisions: decisions(count, count), trades }));
    expect(monitor.winRate).toBeCloseTo(wins / count, 12);
    expect(monitor.trades).toBe(count);
    expect(check(monitor, 'win_rate').band).toBe(band);
  });

  it('a trade at exactly zero P&L is not a win', () => {
    const monitor = optionsMonitor(
      input({ decisions: decisions(2, 2), trades: [trade(0, 0), trade(40, 1)] }),
    );
    expect(monitor.winRate).toBe(0.5);
  });
});

describe('risk and the overall band', () => {
  it('a risk breach is red and makes the whole monitor red, however good the rest', () => {
    const good = input({ decisions: decisions(2, 2), trades: [trade(34.38, 0), trade(34.38, 1)] });
    expect(optionsMonitor(good).band).toBe('green');

    const breached = optionsMonitor({
      ...good,
      riskBreaches: ['2025-03-04 daily loss $512.40 beyond the $500 limit'],
    });
    expect(check(breached, 'risk')).toMatchObject({ value: 1, band: 'red' });
    expect(breached.riskBreaches).toEqual(['2025-03-04 daily loss $512.40 beyond the $500 limit']);
    expect(breached.band).toBe('red');
  });

  it('the overall band is the worst of the checks: an amber execution rate under green P&L and wins is amber', () => {
    // 10 days, 4 traded (40% → amber); 4 winning trades of 85.95 → 343.80 ÷ 10 = 34.38 (green); wins 100% (green).
    const trades = [0, 1, 2, 3].map((k) => trade(85.95, k));
    const monitor = optionsMonitor(input({ decisions: decisions(10, 4), trades }));
    expect(monitor.checks.map((c) => [c.id, c.band])).toEqual([
      ['daily_pnl', 'green'],
      ['execution_rate', 'amber'],
      ['win_rate', 'green'],
      ['risk', 'green'],
      ['costs', null],
      ['fill_slippage', null],
    ]);
    expect(monitor.band).toBe('amber');
  });
});

describe('no data yet', () => {
  it('before the first trading day: no figures, no bands, and the notes say why; risk alone is green', () => {
    const monitor = optionsMonitor(input());
    expect(monitor).toMatchObject({
      dailyPnl: null,
      executionRate: null,
      winRate: null,
      costsOfPremium: null,
      tradingDays: 0,
      trades: 0,
      band: 'green',
    });
    expect(monitor.costs).toBeUndefined();
    expect(monitor.checks.map((c) => [c.id, c.band, c.note ?? null])).toEqual([
      ['daily_pnl', null, 'no trading day yet'],
      ['execution_rate', null, 'no trading day yet'],
      ['win_rate', null, 'no trades yet'],
      ['risk', 'green', null],
      ['costs', null, 'no fills yet'],
      ['fill_slippage', null, 'no fills yet'],
    ]);
  });

  it('days decided but no trade closed yet: execution is measured, P&L and win rate say "no trades yet" instead of a red 0', () => {
    const monitor = optionsMonitor(input({ decisions: decisions(1, 1) }));
    expect(check(monitor, 'execution_rate')).toMatchObject({ value: 1, band: 'green' });
    expect(check(monitor, 'daily_pnl')).toMatchObject({ value: null, band: null, note: 'no trades yet' });
    expect(check(monitor, 'win_rate')).toMatchObject({ value: null, band: null, note: 'no trades yet' });
    expect(monitor.band).toBe('green');
  });
});

describe('skipped days', () => {
  it('are counted by reason; days without an entry by theirs; a day decided twice counts once and stays traded', () => {
    const monitor = optionsMonitor(
      input({
        decisions: [
          { day: '2025-03-03', decision: 'skipped', reason: 'high_vix', inputs: { vixClose: 26.1 } },
          {
            day: '2025-03-04',
            decision: 'skipped',
            reason: 'moderate_volatility',
            inputs: { previousRange: 6.2 },
          },
          { day: '2025-03-05', decision: 'skipped', reason: 'high_vix', inputs: { vixClose: 25.4 } },
          { day: '2025-03-06', decision: 'no_entry', reason: 'no quote', inputs: {} },
          { day: '2025-03-07', decision: 'traded', inputs: { spot: 571.2 } },
          { day: '2025-03-07', decision: 'no_entry', reason: 'position open', inputs: {} },
          {
            day: '2025-03-10',
            decision: 'skipped',
            reason: 'extreme_volatility',
            inputs: { previousRange: 9 },
          },
        ],
      }),
    );
    expect(monitor.tradingDays).toBe(6);
    expect(monitor.tradedDays).toBe(1);
    expect(monitor.skippedByReason).toEqual({
      high_vix: 2,
      moderate_volatility: 1,
      extreme_volatility: 1,
      'no_entry: no quote': 1,
    });
  });
});

describe('costs and fills against the model', () => {
  // 2K: buy 2 contracts at 5.10 (model mid 5.00), sell 2 at 7.40 (model mid 7.50), $0.65 × 2 commission each side.
  const fills: MonitoredFill[] = [
    { symbol: SYMBOL, side: 'buy', qty: 2, price: 5.1, fee: 1.3, time: T0, decisionPrice: 5.08 },
    { symbol: SYMBOL, side: 'sell', qty: 2, price: 7.4, fee: 1.3, time: T0 + 3_600_000, decisionPrice: 7.42 },
  ];
  const mids = new Map([
    [T0, 5],
    [T0 + 3_600_000, 7.5],
  ]);

  it('with the model’s mid: commissions + what each fill paid against the mid, over the premium traded', () => {
    // premium = (5.10 + 7.40) × 100 × 2 = 2,500.00
    // commissions = 1.30 + 1.30 = 2.60
    // spread + slippage = (5.10 − 5.00) × 200 + (7.50 − 7.40) × 200 = 20 + 20 = 40.00
    // costs = 42.60 ÷ 2,500 = 0.01704; fills against the model = 40 ÷ ((5.00 + 7.50) × 200 = 2,500) = 0.016
    const monitor = optionsMonitor(input({ fills, expectedPrice: (_symbol, time) => mids.get(time) }));
    expect(monitor.costs?.premium).toBeCloseTo(2500, 9);
    expect(monitor.costs?.commissions).toBeCloseTo(2.6, 9);
    expect(monitor.costs?.spreadAndSlippage).toBeCloseTo(40, 9);
    expect(monitor.costsOfPremium).toBeCloseTo(0.01704, 12);
    expect(check(monitor, 'fill_slippage').value).toBeCloseTo(0.016, 12);
    expect(monitor.fills).toEqual([
      { time: T0, symbol: SYMBOL, side: 'buy', contracts: 2, price: 5.1, expectedPrice: 5 },
      { time: T0 + 3_600_000, symbol: SYMBOL, side: 'sell', contracts: 2, price: 7.4, expectedPrice: 7.5 },
    ]);
    expect(check(monitor, 'costs').target).toBe('commissions $2.60 + spread & slippage $40.00 on $2,500.00');
    expect(check(monitor, 'fill_slippage').target).toBe('expected 2%: half the 3% spread + 0.5% slippage');
  });

  it('without a model price: slippage against the decision price only, and no fills-vs-model figure', () => {
    // spread + slippage = (5.10 − 5.08) × 200 + (7.42 − 7.40) × 200 = 4 + 4 = 8.00; costs = 10.60 ÷ 2,500 = 0.00424
    const monitor = optionsMonitor(input({ fills }));
    expect(monitor.costs?.spreadAndSlippage).toBeCloseTo(8, 9);
    expect(monitor.costsOfPremium).toBeCloseTo(0.00424, 12);
    expect(check(monitor, 'fill_slippage')).toMatchObject({
      value: null,
      band: null,
      note: 'no model price at these fills',
    });
    expect(monitor.fills.map((f) => f.expectedPrice)).toEqual([null, null]);
  });

  it('a fill with neither a model price nor a decision price costs its commission only', () => {
    // (1.30) ÷ (5.10 × 200 = 1,020) = 0.00127450…
    const monitor = optionsMonitor(input({ fills: [{ ...fills[0]!, decisionPrice: null }] }));
    expect(monitor.costsOfPremium).toBeCloseTo(1.3 / 1020, 12);
  });
});

describe('the daily report file', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-options-report-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is <dataDir>/reports/options/<runId>/<day>.json holding the monitor, with no temp file left behind', () => {
    const dataDir = tempDir();
    const monitor = {
      ...optionsMonitor(input({ decisions: decisions(2, 1), trades: [trade(40)] })),
      reportPath: '/somewhere/else.json',
    };
    const path = writeDailyReport(dataDir, monitor);
    expect(path).toBe(join(dataDir, 'reports', 'options', 'r-opt1', '2025-03-05.json'));
    const { reportPath: _where, ...body } = monitor;
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(body);
    expect(readdirSync(join(dataDir, 'reports', 'options', 'r-opt1'))).toEqual(['2025-03-05.json']);
  });

  it('a second write of the same day replaces the first whole', () => {
    const dataDir = tempDir();
    writeDailyReport(dataDir, optionsMonitor(input({ decisions: decisions(1, 1) })));
    const path = writeDailyReport(
      dataDir,
      optionsMonitor(input({ decisions: decisions(1, 1), trades: [trade(12.5)] })),
    );
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ trades: 1, dailyPnl: 12.5 });
    expect(readdirSync(join(dataDir, 'reports', 'options', 'r-opt1'))).toEqual(['2025-03-05.json']);
  });

  it('a write that cannot land leaves the old report as it was and no temp file', () => {
    const dataDir = tempDir();
    const dir = join(dataDir, 'reports', 'options', 'r-opt1');
    // The day's name taken by a non-empty directory: the rename fails after the temp file was written.
    mkdirSync(join(dir, '2025-03-05.json'), { recursive: true });
    writeFileSync(join(dir, '2025-03-05.json', 'keep'), 'old');
    expect(() => writeDailyReport(dataDir, optionsMonitor(input()))).toThrow();
    expect(readdirSync(dir)).toEqual(['2025-03-05.json']);
    expect(readFileSync(join(dir, '2025-03-05.json', 'keep'), 'utf8')).toBe('old');
  });

  it('refuses a run id or a day that would write outside its folder', () => {
    expect(() => dailyReportPath('/data', '../etc', '2025-03-05')).toThrow('run id "../etc" is not a run id');
    expect(() => dailyReportPath('/data', 'r-1', '2025-3-5')).toThrow(
      'day "2025-3-5" is not a date YYYY-MM-DD',
    );
  });
});

describe('risk breaches: the limits a run ran into, not every refusal', () => {
  // 10:05 New York on two January days (UTC−5).
  const jan7 = Date.parse('2025-01-07T15:05:00Z');
  const jan8 = Date.parse('2025-01-08T15:05:00Z');
  const dailyLimit =
    "max daily loss: the day's realized P&L −$512.40 reached the −$500.00 limit; no new entries today";

  it('counts the daily loss limit and the contract cap once per day; cash and session refusals are not breaches', () => {
    const breaches = riskBreachesOf([
      { time: jan8, reason: dailyLimit },
      {
        time: jan7,
        reason: 'not enough cash: 2 × SPY250107P00591000 at 1.5879 × 100 + $1.30 commission = $318.88',
      },
      { time: jan7, reason: dailyLimit },
      { time: jan7 + 300_000, reason: dailyLimit },
      { time: jan7, reason: 'options trade in the regular session only (the 2025-01-07 session)' },
      { time: jan8, reason: 'max contracts: 2 held or working + 2 would exceed the limit of 2' },
    ]);
    expect(breaches).toEqual([
      `2025-01-07: ${dailyLimit}`,
      `2025-01-08: ${dailyLimit}`,
      '2025-01-08: max contracts: 2 held or working + 2 would exceed the limit of 2',
    ]);
    expect(riskBreachesOf([{ time: jan7, reason: 'not enough cash: …' }])).toEqual([]);
  });
});
