import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { runBacktest } from '../../../src/main/research/backtest';
import { monteCarloCommand } from '../../../src/main/research/monte-carlo-command';
import { tradeListCsv } from '../../../src/main/research/report';
import type { MonteCarloResult } from '../../../src/shared/domain/research';

let dir: string;
let out: string[];
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marketboss-mc-'));
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((text: string) => void out.push(text));
  vi.spyOn(console, 'error').mockImplementation((text: string) => void err.push(text));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** trades.csv of a real backtest (SMA crossover on two synthetic years), and the backtest. */
function backtestTrades(): { path: string; endEquity: number; trades: number } {
  const series = generateMarket({ symbols: ['AAA'], bars: 756, seed: 3, timeframe: '1D' });
  const result = runBacktest(
    {
      cash: 100_000,
      strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } },
      risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 100 } },
    },
    series,
  );
  const path = join(dir, 'trades.csv');
  writeFileSync(path, tradeListCsv(result.trades));
  return { path, endEquity: result.metrics.endEquity ?? Number.NaN, trades: result.trades.length };
}

describe('npm run research -- monte-carlo', () => {
  it('resamples a backtest’s trades.csv into report.json; the actual order ends where the backtest did', async () => {
    const { path, endEquity, trades } = backtestTrades();
    expect(trades).toBeGreaterThan(5);
    const outDir = join(dir, 'out');
    const args = [
      '--trades',
      path,
      '--cash',
      '100000',
      '--runs',
      '1000',
      '--method',
      'bootstrap',
      '--seed',
      '4',
    ];
    expect(await monteCarloCommand([...args, '--ruin-loss', '0.2', '--out', outDir])).toBe(0);
    const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as MonteCarloResult & {
      tradesFile: string;
    };
    expect(report.kind).toBe('monte-carlo');
    expect(report.tradesFile).toBe(path);
    expect(report.trades).toBe(trades);
    expect(report.settings).toEqual({
      runs: 1000,
      method: 'bootstrap',
      blockSize: 10,
      seed: 4,
      ruinLoss: 0.2,
    });
    // Every position is closed at the end of data, so the trades add up to the backtest's end equity.
    expect(report.actual.finalEquity).toBeCloseTo(endEquity, 6);
    expect(report.finalEquity.p5).toBeLessThanOrEqual(report.finalEquity.p50);
    expect(report.finalEquity.p50).toBeLessThanOrEqual(report.finalEquity.p95);
    expect(report.maxDrawdown.p50).toBeGreaterThanOrEqual(0);
    expect(report.ruinProbability).toBeGreaterThanOrEqual(0);
    expect(report.bands.step.at(-1)).toBe(trades);
    expect(out.join('\n')).toContain('1,000 bootstrap paths of');
    expect(out.join('\n')).toMatch(/Final equity .*\nMax drawdown/);
    // Seeded: the same command writes the same bytes.
    const again = join(dir, 'again');
    expect(await monteCarloCommand([...args, '--ruin-loss', '0.2', '--out', again])).toBe(0);
    expect(readFileSync(join(again, 'report.json'), 'utf8')).toBe(
      readFileSync(join(outDir, 'report.json'), 'utf8'),
    );
  });

  it('refuses a file without a pnl column, naming the file and line', async () => {
    const path = join(dir, 'bars.csv');
    writeFileSync(path, 'timestamp,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n');
    expect(await monteCarloCommand(['--trades', path, '--out', join(dir, 'o')])).toBe(2);
    expect(err.join('\n')).toBe(
      `monte-carlo: ${path} line 1: no pnl column (the header is 'timestamp,open,high,low,close'; expected the trades.csv a backtest writes)`,
    );
  });

  it('refuses a row whose P&L is not a number, naming the line and field; writes nothing', async () => {
    const { path } = backtestTrades();
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/^((?:[^,]*,){7})[^,]*/, '$1abc');
    writeFileSync(path, lines.join('\n'));
    const outDir = join(dir, 'o');
    expect(await monteCarloCommand(['--trades', path, '--out', outDir])).toBe(2);
    expect(err.join('\n')).toBe(`monte-carlo: ${path} line 4, pnl: 'abc' is not a number`);
    expect(() => readFileSync(join(outDir, 'report.json'))).toThrow();
  });

  it('refuses bad flags, naming them', async () => {
    const { path } = backtestTrades();
    const refused = async (args: string[]): Promise<string> => {
      err.length = 0;
      expect(await monteCarloCommand(['--trades', path, ...args])).toBe(2);
      return err.join('\n');
    };
    expect(await refused(['--runs', '50'])).toMatch(/^monte-carlo: --runs: .*100/);
    expect(await refused(['--method', 'jackknife'])).toBe(
      "monte-carlo: --method: 'jackknife' is not one of shuffle, bootstrap, block",
    );
    expect(await refused(['--cash', '0'])).toBe(
      'monte-carlo: --cash: the starting equity must be above 0 (got 0)',
    );
    expect(await refused(['--cash', 'lots'])).toBe("monte-carlo: --cash: 'lots' is not a number");
    expect(await refused(['--ruin-loss', '1.5'])).toMatch(/^monte-carlo: --ruin-loss: /);
    expect(await refused(['--block-size', '1'])).toMatch(/^monte-carlo: --block-size: /);
    err.length = 0;
    expect(await monteCarloCommand([])).toBe(2);
    expect(err[0]).toBe('monte-carlo: --trades: give the trades.csv to resample');
    err.length = 0;
    expect(await monteCarloCommand(['--trades', join(dir, 'missing.csv')])).toBe(2);
    expect(err[0]).toBe(`monte-carlo: ${join(dir, 'missing.csv')}: cannot read it (ENOENT)`);
  });
});
