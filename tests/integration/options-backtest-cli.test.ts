import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { americanPrice } from '../../src/main/engine/option-pricing';
import { sessionOnDay } from '../../src/main/market/calendar';
import {
  chooseExpiry,
  chooseStrike,
  exitReason,
  PHASE4D_PRESETS,
} from '../../src/main/strategies/phase4d-rules';

const REPO = resolve(__dirname, '../..');
// The bundle `npm run backtest` runs (built before the integration suite), directly: npm prints notices of its own.
const CLI = join(REPO, 'out/cli/backtest.cjs');
const dir = mkdtempSync(join(tmpdir(), 'marketboss-options-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function backtest(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

// ---- the fixture: three weeks of SPY 5-minute bars (January 2025, New York winter time, UTC−5) and a VIX file ----

const BAR_MS = 300_000;
const BARS_PER_DAY = 78; // 09:30 to 16:00

type Shape = 'calm' | 'drop' | 'rise' | 'flat' | 'spike' | 'moderate' | 'extreme';

/** Each shape's close of bar i (0 = 09:30) from the day's opening price; wicks reach 0.10 beyond open and close. */
const PATHS: Readonly<Record<Shape, (start: number, i: number) => number>> = {
  // Two slow waves of ±1, back where it started at the close: range 2 + the wicks = 2.2.
  calm: (start, i) => start + Math.sin((4 * Math.PI * (i + 1)) / BARS_PER_DAY),
  // Flat through the 10:00 bar (i = 6), then down 0.15 a bar for 20 bars (−3.00), then flat: range 3.2.
  drop: (start, i) => start - 0.15 * Math.min(20, Math.max(0, i - 6)),
  // Flat through the 10:00 bar, then up 0.04 a bar to the close (+2.84): the put loses.
  rise: (start, i) => start + 0.04 * Math.max(0, i - 6),
  // Not a move all day: the put only loses time value.
  flat: (start) => start,
  // Flat through the 10:05 bar, then 10 up at once: the put is worth nothing, no one bids for it, it expires.
  spike: (start, i) => (i >= 8 ? start + 10 : start),
  // Steadily down 6 (range 6.2, above 5) or 10 (range 10.2, above 8) over the day.
  moderate: (start, i) => start - (6 * (i + 1)) / BARS_PER_DAY,
  extreme: (start, i) => start - (10 * (i + 1)) / BARS_PER_DAY,
};

function closes(shape: Shape, start: number): number[] {
  return Array.from({ length: BARS_PER_DAY }, (_, i) => PATHS[shape](start, i));
}

// Trading days from Mon 6 January (9 January: closed for President Carter; 20 January: MLK Day).
const DAYS: readonly [string, Shape][] = [
  ['2025-01-06', 'calm'], // warm-up: no previous session in the data
  ['2025-01-07', 'drop'], // the day checked by hand below
  ['2025-01-08', 'calm'], // VIX closes at 27 this day
  ['2025-01-10', 'extreme'], // skipped: high_vix (8 January's VIX close 27 > 25)
  ['2025-01-13', 'moderate'], // skipped: extreme_volatility (10 January's range 10.2 > 8)
  ['2025-01-14', 'calm'], // skipped: moderate_volatility (13 January's range 6.2 > 5)
  ['2025-01-15', 'rise'],
  ['2025-01-16', 'flat'],
  ['2025-01-17', 'calm'],
  ['2025-01-21', 'calm'],
  ['2025-01-22', 'calm'],
  ['2025-01-23', 'calm'],
  ['2025-01-24', 'spike'], // the last day: its range (10.2) skips no day
];

interface FixtureBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

function spyBars(): FixtureBar[] {
  const bars: FixtureBar[] = [];
  let price = 590;
  for (const [day, shape] of DAYS) {
    const session = sessionOnDay('us-equities', day);
    if (session === null) throw new Error(`${day} has no session`);
    const dayCloses = closes(shape, price);
    dayCloses.forEach((close, i) => {
      const open = i === 0 ? price : dayCloses[i - 1]!;
      bars.push({
        time: session.open + i * BAR_MS,
        open,
        high: Math.max(open, close) + 0.1,
        low: Math.min(open, close) - 0.1,
        close,
      });
    });
    price = dayCloses[BARS_PER_DAY - 1]!;
  }
  return bars;
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const BARS = spyBars().map((b) => ({
  ...b,
  open: r4(b.open),
  high: r4(b.high),
  low: r4(b.low),
  close: r4(b.close),
}));
const SPY_CSV = [
  'timestamp,open,high,low,close,volume',
  ...BARS.map((b) => `${new Date(b.time).toISOString()},${b.open},${b.high},${b.low},${b.close},100000`),
].join('\n');

/** CBOE's format, MM/DD/YYYY, one row per trading day from 30 December 2024; 16 except 27 on 8 January. */
function vixCsv(through: string): string {
  const rows = ['DATE,OPEN,HIGH,LOW,CLOSE'];
  for (let day = Date.parse('2024-12-30'); day <= Date.parse(through); day += 86_400_000) {
    const iso = new Date(day).toISOString().slice(0, 10);
    if (sessionOnDay('us-equities', iso) === null) continue;
    const close = iso === '2025-01-08' ? 27 : 16;
    rows.push(
      `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)},${close},${close},${close},${close}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

const PRESET = PHASE4D_PRESETS['2k'];
/**
 * The synthetic quote by hand: a CRR American put (100 steps) with σ = 0.16 (every traded day follows a VIX close
 * of 16), r = 0.045, years = time to the 16:00 close (21:00Z in January) / 365 days; quoted to the cent around it:
 * ask = model × (1 + 3%/2) rounded up, bid = model × (1 − 3%/2) rounded down.
 */
function putQuote(spot: number, strike: number, time: number): { bid: number; ask: number } {
  const close = Date.parse(`${new Date(time).toISOString().slice(0, 10)}T21:00:00.000Z`);
  const years = (close - time) / (365 * 86_400_000);
  const model = americanPrice({ right: 'put', spot, strike, years, volatility: 0.16, rate: 0.045 }, 100);
  return {
    bid: Math.floor(model * (1 - PRESET.spread / 2) * 100 + 1e-7) / 100,
    ask: Math.ceil(model * (1 + PRESET.spread / 2) * 100 - 1e-7) / 100,
  };
}

/** SPY at a decision time: the close of the bar that closed then. */
function spyAt(time: number): number {
  return BARS.find((b) => b.time + BAR_MS === time)!.close;
}

const spyPath = join(dir, 'SPY_5m.csv');
const vixPath = join(dir, 'VIX_History.csv');
writeFileSync(spyPath, `${SPY_CSV}\n`);
writeFileSync(vixPath, vixCsv('2025-01-24'));

const RUN = [
  '--data',
  spyPath,
  '--symbol',
  'SPY',
  '--strategy',
  'phase4d',
  '--vol-source',
  `csv:${vixPath}`,
  '--no-cache',
];

function csvRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, k) => [names[k]!, cell])));
}

describe('the options backtest CLI end to end (phase4d on synthetic option prices)', () => {
  const out = join(dir, 'run-2k');
  const run = backtest(...RUN, '--preset', '2k', '--cash', '2000', '--out', out);

  it('runs, prints the figures and writes the four files', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('phase4d 2k on SPY (5m, 1014 bars, 2025-01-06 → 2025-01-24)');
    expect(run.stdout).toMatch(/Days\s+9 traded of 12 \(execution 75\.0%\)/);
    expect(run.stdout).toMatch(/Skipped\s+3 \(high_vix 1, extreme_volatility 1, moderate_volatility 1\)/);
    expect(run.stdout).toContain('wrote fills.csv, trades.csv, equity.csv, report.json');
  });

  it('report.json: trading days, execution rate, skipped days by reason, costs, the labels', () => {
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    // 12 trading days (6 January is the warm-up), three skipped, one for each reason; the other nine traded.
    expect(report.tradingDays).toBe(12);
    expect(report.skippedDays).toBe(3);
    expect(report.skippedByReason).toEqual({ high_vix: 1, extreme_volatility: 1, moderate_volatility: 1 });
    expect(report.tradedDays).toBe(9);
    expect(report.noEntryDays).toBe(0);
    expect(report.executionRate).toBe(0.75);
    expect(report.trades).toBe(9);
    // SPY rising on the 15th takes the put past the $200 loss limit; flat on the 16th it decays to 15:50; 10 up
    // on the 24th leaves it without a bid, and it expires.
    expect(report.exitReasons).toEqual({ profit_target: 6, max_loss: 1, end_of_day: 1, expiry: 1 });
    expect(report.targetDailyPnl).toBe(34.38);
    expect(report.cash).toBe(2000);
    expect(report.priceSource).toMatch(/^synthetic option prices/);
    expect(report.priceSource).toContain('VIX_History.csv');
    expect(report.settlementRule).toContain('cash-settled at intrinsic value');
    expect(report.period).toMatchObject({ firstDay: '2025-01-07', lastDay: '2025-01-24', bars: 1014 });
    // 9 entries and 8 sales of 2 contracts at $0.65 a contract; the 24th's put expired worthless (no commission).
    expect(report.costs.commissions).toBeCloseTo(17 * 2 * 0.65, 9);
    // Spread and slippage by hand from each fill and the quote it met (the settlement met none):
    //   buy:  spread (ask − mid) × 100 × 2, slippage (price − ask) × 100 × 2
    //   sell: spread (mid − bid) × 100 × 2, slippage (bid − price) × 100 × 2
    let spread = 0;
    let slippage = 0;
    let premiumPaid = 0;
    for (const f of csvRows(join(out, 'fills.csv'))) {
      const time = Date.parse(f['time']!);
      const price = Number(f['price']);
      if (f['fee'] === '0') continue; // the settlement at expiry
      const q = putQuote(spyAt(time), Number(f['symbol']!.slice(-8)) / 1000, time);
      const mid = (q.bid + q.ask) / 2;
      spread += (f['side'] === 'buy' ? q.ask - mid : mid - q.bid) * 200;
      slippage += (f['side'] === 'buy' ? price - q.ask : q.bid - price) * 200;
      if (f['side'] === 'buy') premiumPaid += price * 200;
    }
    expect(report.costs.spread).toBeCloseTo(spread, 9);
    expect(report.costs.slippage).toBeCloseTo(slippage, 9);
    expect(report.costs.premiumPaid).toBeCloseTo(premiumPaid, 9);
    expect(report.costs.totalOfPremium).toBeCloseTo((17 * 1.3 + spread + slippage) / premiumPaid, 12);
    const days = report.days as { day: string; decision: string; reason?: string }[];
    expect(days.filter((d) => d.decision === 'skipped').map((d) => [d.day, d.reason])).toEqual([
      ['2025-01-10', 'high_vix'],
      ['2025-01-13', 'extreme_volatility'],
      ['2025-01-14', 'moderate_volatility'],
    ]);
    const trades = csvRows(join(out, 'trades.csv'));
    const pnl = trades.reduce((sum, t) => sum + Number(t['pnl']), 0);
    expect(report.totalPnl).toBeCloseTo(pnl, 6);
    expect(report.averageDailyPnl).toBeCloseTo(pnl / 12, 6);
    expect(report.winRate).toBeCloseTo(trades.filter((t) => Number(t['pnl']) > 0).length / 9, 12);
  });

  it('trades.csv, fills.csv and equity.csv have the columns, one row per round trip, fill and bar', () => {
    const trades = csvRows(join(out, 'trades.csv'));
    expect(Object.keys(trades[0]!)).toEqual([
      'symbol',
      'side',
      'qty',
      'entry_time',
      'entry_price',
      'exit_time',
      'exit_price',
      'pnl',
      'fees',
      'bars_held',
      'exit_reason',
      'underlying_price',
      'expiry',
      'strike',
    ]);
    expect(trades).toHaveLength(9);
    for (const t of trades) {
      expect(t['symbol']).toMatch(/^SPY\d{6}P\d{8}$/);
      expect(t['qty']).toBe('2');
      expect(t['fees']).toBe(t['exit_reason'] === 'expiry' ? '1.3' : '2.6');
      // No overnight holding: out the same day, by the target, the stop, 10 minutes before the close, or expiry.
      expect(t['exit_time']!.slice(0, 10)).toBe(t['entry_time']!.slice(0, 10));
      expect(['profit_target', 'max_loss', 'end_of_day', 'expiry']).toContain(t['exit_reason']);
    }
    const byDay = (day: string) => trades.find((t) => t['entry_time']!.startsWith(day))!;
    expect(byDay('2025-01-15')['exit_reason']).toBe('max_loss');
    expect(Number(byDay('2025-01-15')['pnl'])).toBeLessThan(-200);
    // 15:50 New York: the first bar closing 10 minutes or less before the 16:00 close.
    expect(byDay('2025-01-16')).toMatchObject({
      exit_reason: 'end_of_day',
      exit_time: '2025-01-16T20:50:00.000Z',
    });
    // The 24th: no bid for the put after SPY's jump, so it is held to the close and cash-settled at its intrinsic
    // value, max(574 − 583.84, 0) = 0, with no commission: P&L = (0 − 1.05525) × 200 − 1.30 = −212.35.
    expect(byDay('2025-01-24')).toMatchObject({
      symbol: 'SPY250124P00574000',
      exit_reason: 'expiry',
      exit_time: '2025-01-24T21:00:00.000Z',
      exit_price: '0',
      entry_price: '1.05525',
      pnl: '-212.35',
    });
    const fills = csvRows(join(out, 'fills.csv'));
    expect(fills[fills.length - 1]).toMatchObject({
      time: '2025-01-24T21:00:00.000Z',
      side: 'sell',
      price: '0',
      fee: '0',
    });
    expect(Object.keys(fills[0]!)).toEqual(['time', 'symbol', 'side', 'qty', 'price', 'fee', 'order_id']);
    expect(fills).toHaveLength(18);
    const equity = readFileSync(join(out, 'equity.csv'), 'utf8').trim().split('\n');
    expect(equity[0]).toBe('time,equity,cash,drawdown');
    expect(equity).toHaveLength(1 + 1014);
  });

  it('7 January checked by hand: entry, strike, expiry, entry price, exit and P&L', () => {
    const preset = PRESET;
    const trade = csvRows(join(out, 'trades.csv')).find((t) => t['entry_time']!.startsWith('2025-01-07'))!;
    // Entry: the first bar starting 30 minutes after the 09:30 open is the 10:00 bar (15:00Z), decided and filled
    // at its close, 10:05 New York = 15:05Z. SPY was flat at 590 through it (6 January's waves end where they began).
    const entryTime = Date.parse('2025-01-07T15:05:00.000Z');
    expect(trade['entry_time']).toBe('2025-01-07T15:05:00.000Z');
    const spot = 590;
    expect(Number(trade['underlying_price'])).toBe(spot);
    // Strike: SPY > 500, so the buffer is 0.50 and the target 590.50; 590 and 591 are equally near, and a tie goes
    // to the higher strike: 591. Expiry: SPY lists every trading day, so the nearest on or after the day is the day.
    const strikes = Array.from({ length: 41 }, (_, k) => 570 + k);
    expect(chooseStrike(spot, strikes)).toBe(591);
    expect(chooseExpiry('2025-01-07', ['2025-01-07', '2025-01-08'], 0)).toBe('2025-01-07');
    expect(trade['symbol']).toBe('SPY250107P00591000');
    expect(trade['strike']).toBe('591');
    expect(trade['expiry']).toBe('2025-01-07');

    // The quote (putQuote above), at 10:05 with 355 minutes to the close: model 1.5495, ask = ceil(1.5495 × 1.015 =
    // 1.5727) = 1.58. The entry fills at ask × (1 + 0.5%) = 1.58 × 1.005 = 1.5879 (its limit is that, rounded up
    // to the cent).
    expect(putQuote(spot, 591, entryTime).ask).toBe(1.58);
    const entryPrice = putQuote(spot, 591, entryTime).ask * (1 + PRESET.slippage);
    expect(Number(trade['entry_price'])).toBe(1.5879);
    expect(Number(trade['entry_price'])).toBeCloseTo(entryPrice, 9);

    // Exit: at each later close, exitPremium = bid × (1 − 0.5%) − 0.65/100 against entryPremium = entry + 1.30/200;
    // the first close where the P&L reaches 50% of the premium paid sells at the bid × (1 − 0.5%). SPY falls 0.15 a
    // bar from the 10:05 close, so a few bars later the put is 50% up: profit_target.
    //   entryPremium = 1.5879 + 0.0065 = 1.5944; paid 1.5944 × 200 = 318.88; target P&L 159.44, so
    //   exitPremium ≥ 1.5944 + 159.44 / 200 = 2.3916, i.e. a bid ≥ (2.3916 + 0.0065) / 0.995 = 2.4102.
    //   10:45 close (SPY 588.80): model 2.4002, bid floor(2.3642) = 2.36: not yet.
    //   10:50 close (SPY 588.65): model 2.5215, bid floor(2.4837) = 2.48: sell at 2.48 × 0.995 = 2.4676.
    const close = Date.parse('2025-01-07T21:00:00.000Z');
    const day = BARS.filter((b) => b.time >= entryTime && b.time < close);
    let exit: { time: number; price: number; reason: string } | undefined;
    for (const bar of day) {
      const time = bar.time + BAR_MS;
      const { bid } = putQuote(bar.close, 591, time);
      const reason = exitReason({
        contracts: 2,
        entryPremium: entryPrice + (2 * 0.65) / (100 * 2),
        exitPremium: bid * (1 - preset.slippage) - 0.65 / 100,
        profitTarget: 0.5,
        maxLossPerTrade: preset.maxLossPerTrade,
        minutesToClose: (close - time) / 60_000,
        minutesBeforeClose: 10,
      });
      if (reason !== null) {
        exit = { time, price: bid * (1 - preset.slippage), reason };
        break;
      }
    }
    expect(exit?.reason).toBe('profit_target');
    expect(trade['exit_reason']).toBe('profit_target');
    expect(trade['exit_time']).toBe(new Date(exit!.time).toISOString());
    expect(Number(trade['exit_price'])).toBeCloseTo(exit!.price, 9);
    // P&L = (exit − entry) × 100 × 2 contracts − fees, fees = 0.65 × 2 contracts × 2 sides = 2.60:
    //   (2.4676 − 1.5879) × 200 − 2.60 = 175.94 − 2.60 = 173.34.
    expect(trade['exit_time']).toBe('2025-01-07T15:50:00.000Z');
    expect(Number(trade['exit_price'])).toBeCloseTo(2.4676, 10);
    expect(Number(trade['pnl'])).toBeCloseTo(173.34, 8);
    expect(Number(trade['fees'])).toBe(2.6);
    expect(Number(trade['pnl'])).toBeCloseTo((exit!.price - entryPrice) * 100 * 2 - 2.6, 8);
  });

  it('--report html writes the tearsheet with the options figures among its facts', () => {
    const html = join(dir, 'html');
    const res = backtest(...RUN, '--cash', '2000', '--out', html, '--write', 'report', '--report', 'html');
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(`wrote report.json, tearsheet.html to ${html}`);
    const page = readFileSync(join(html, 'tearsheet.html'), 'utf8');
    expect(page).toContain('<title>Phase 4D 2K · SPY puts · 5m · MarketBoss tearsheet</title>');
    expect(page).toContain('synthetic option prices: CRR American puts');
    expect(page).toContain('<dd>9 traded of 12 (execution 75.0%)</dd>');
    expect(page).toContain('<dd>3 (high_vix 1, extreme_volatility 1, moderate_volatility 1)</dd>');
    // One row for the underlying's puts in the trades-by-symbol table, not one per contract.
    expect(page).toContain('<th scope="row">SPY puts</th><td>9</td>');
    expect(page).toContain('cash-settled at intrinsic value');
    expect(page).not.toMatch(/<script|https?:\/\//);
  });

  it('reruns write byte-identical files; --cash is the equity curve’s start', () => {
    const again = join(dir, 'run-2k-again');
    expect(backtest(...RUN, '--preset', '2k', '--cash', '2000', '--out', again).status).toBe(0);
    for (const file of ['trades.csv', 'fills.csv', 'equity.csv', 'report.json']) {
      expect(readFileSync(join(again, file), 'utf8')).toBe(readFileSync(join(out, file), 'utf8'));
    }
    expect(readFileSync(join(out, 'equity.csv'), 'utf8').split('\n')[1]).toBe(
      '2025-01-06T14:30:00.000Z,2000,2000,0',
    );
  });

  it('cash that cannot pay for an entry: no-entry days, grouped by reason whichever contract', () => {
    const poor = join(dir, 'run-poor');
    const res = backtest(...RUN, '--cash', '200', '--out', poor, '--write', 'report');
    expect(res.status).toBe(0);
    const report = JSON.parse(readFileSync(join(poor, 'report.json'), 'utf8'));
    expect(report.tradedDays).toBe(0);
    expect(report.executionRate).toBe(0);
    expect(report.noEntryDays).toBe(9);
    expect(Object.values(report.noEntryByReason)).toEqual([9]);
    expect(Object.keys(report.noEntryByReason)[0]).toContain('the contract');
    expect(report.denials).toBe(9);
  });

  it('the 25K preset trades 25 contracts; --write limits the files', () => {
    const big = join(dir, 'run-25k');
    const res = backtest(...RUN, '--preset', '25k', '--out', big, '--write', 'trades,report');
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('wrote trades.csv, report.json');
    const trades = csvRows(join(big, 'trades.csv'));
    // $0.65 × 25 contracts a side: 32.50 a round trip, 16.25 for the put that expired.
    for (const t of trades) {
      expect(t['qty']).toBe('25');
      expect(t['fees']).toBe(t['exit_reason'] === 'expiry' ? '16.25' : '32.5');
    }
    expect(JSON.parse(readFileSync(join(big, 'report.json'), 'utf8')).targetDailyPnl).toBe(341.77);
  });
});

describe('the options backtest CLI refuses, naming the problem, with exit status 2', () => {
  it('a VIX file that does not cover the data, naming the first missing day', () => {
    const short = join(dir, 'VIX_short.csv');
    writeFileSync(short, vixCsv('2025-01-21'));
    const res = backtest(...RUN.slice(0, -3), '--vol-source', `csv:${short}`, '--no-cache');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('no VIX close for 2025-01-22');
    expect(res.stderr.split('\n')).toHaveLength(1);
  });

  it('a bad VIX row, with the file, line and field', () => {
    const bad = join(dir, 'VIX_bad.csv');
    writeFileSync(bad, vixCsv('2025-01-24').replace('01/02/2025,16,16,16,16', '01/02/2025,16,16,16,x'));
    const res = backtest(...RUN.slice(0, -3), '--vol-source', `csv:${bad}`, '--no-cache');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/VIX_bad\.csv line \d+, field CLOSE: "x" is not a positive number/);
  });

  it('a bad SPY row with its line and field; a bar on a closed day; daily bars', () => {
    const vol = ['--strategy', 'phase4d', '--vol-source', `csv:${vixPath}`, '--no-cache', '--symbol', 'SPY'];
    const badRow = join(dir, 'SPY_bad.csv');
    const lines = SPY_CSV.split('\n');
    lines[5] = lines[5]!.replace(/,[^,]+,100000$/, ',oops,100000');
    writeFileSync(badRow, `${lines.join('\n')}\n`);
    const bad = backtest('--data', badRow, ...vol);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^data error: SPY_bad\.csv line 6, field close: /);
    const weekend = join(dir, 'SPY_weekend.csv');
    writeFileSync(weekend, `${SPY_CSV}\n2025-01-25T15:00:00.000Z,570,571,569,570,100\n`);
    const saturday = backtest('--data', weekend, ...vol);
    expect(saturday.status).toBe(2);
    expect(saturday.stderr).toBe(
      'data error: SPY has a bar at 2025-01-25T15:00:00.000Z, on 2025-01-25, when the US market is closed (weekend or NYSE holiday)',
    );
    const daily = join(dir, 'SPY_1D.csv');
    writeFileSync(daily, 'Date,Open,High,Low,Close,Volume\n2025-01-06,1,1,1,1,1\n2025-01-07,1,1,1,1,1\n');
    const oneDay = backtest('--data', daily, ...vol);
    expect(oneDay.status).toBe(2);
    expect(oneDay.stderr).toContain('config error: --data: phase4d enters and exits within the day');
  });

  it('--preset without phase4d, a bad preset, a missing or unsupported --vol-source', () => {
    const equity = backtest('--data', spyPath, '--symbol', 'SPY', '--preset', '2k');
    expect(equity.status).toBe(2);
    expect(equity.stderr).toBe(
      'config error: --preset: only with --strategy phase4d (the strategy is sma-crossover)',
    );
    const badPreset = backtest(...RUN, '--preset', '5k');
    expect(badPreset.status).toBe(2);
    expect(badPreset.stderr).toBe("config error: --preset: '5k' is not a preset; the presets are 2k, 25k");
    const noVol = backtest('--data', spyPath, '--symbol', 'SPY', '--strategy', 'phase4d');
    expect(noVol.status).toBe(2);
    expect(noVol.stderr).toContain('config error: --vol-source: phase4d needs a volatility source');
    const alpaca = backtest('--data', spyPath, '--strategy', 'phase4d', '--vol-source', 'alpaca');
    expect(alpaca.status).toBe(2);
    expect(alpaca.stderr).toContain(
      "--vol-source: 'alpaca' is not supported; the supported forms are csv:<file>",
    );
  });
});
