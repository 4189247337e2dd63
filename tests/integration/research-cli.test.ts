// `npm run research` end to end: the prebuilt bundle (built before the integration suite, like the backtest CLI's)
// run as a child process on a CSV file; exit codes, the files it writes, and bad input refused before any work.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSeries } from '../../src/main/feeds/synthetic';
import { runBacktest } from '../../src/main/research/backtest';
import { iso, num } from '../../src/main/research/report';

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'out/cli/research.cjs');
const dir = mkdtempSync(join(tmpdir(), 'marketboss-research-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function research(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

// 400 daily bars of a synthetic symbol written as a CSV file.
const series = generateSeries('GOLD', { seed: 9, bars: 400, timeframe: '1D', start: Date.UTC(2022, 0, 3) });
const csvPath = join(dir, 'gold.csv');
const rows = ['Date,Open,High,Low,Close,Volume'];
for (let i = 0; i < series.length; i++) {
  rows.push(
    `${iso(series.time[i]!).slice(0, 10)},${num(series.open[i]!)},${num(series.high[i]!)},${num(series.low[i]!)},${num(series.close[i]!)},${num(series.volume[i]!)}`,
  );
}
writeFileSync(csvPath, `${rows.join('\n')}\n`);
const common = [
  '--data',
  csvPath,
  '--symbol',
  'GOLD',
  '--strategy',
  'sma-crossover',
  '--no-risk',
  '--qty',
  '10',
  '--no-cache',
];

describe('research CLI', () => {
  it('optimize writes one results.csv row per cell (each the backtest of its parameters) and report.json', () => {
    const out = join(dir, 'opt');
    const { status, stdout, stderr } = research(
      'optimize',
      ...common,
      '--grid',
      'fast=5,10',
      '--grid',
      'slow=20:40:10',
      '--objective',
      'totalReturn',
      '--out',
      out,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^best totalReturn -?\d+\.\d\d at fast=\d+, slow=\d0 \(6 cells\)$/m);
    const lines = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 5)).toEqual(['cell', 'fast', 'slow', 'objective', 'excluded']);
    expect(header.at(-1)).toBe('final_equity');
    expect(lines).toHaveLength(7);
    const cells = lines.slice(1).map((line) => line.split(','));
    expect(cells.map((c) => [c[1], c[2]])).toEqual([
      ['5', '20'],
      ['5', '30'],
      ['5', '40'],
      ['10', '20'],
      ['10', '30'],
      ['10', '40'],
    ]);
    const loaded = { ...series, symbol: 'GOLD' };
    for (const cell of cells) {
      const single = runBacktest(
        {
          strategy: { id: 'sma-crossover', params: { fast: Number(cell[1]), slow: Number(cell[2]) } },
          risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 10 } },
        },
        [loaded],
      );
      expect(cell.at(-1)).toBe(num(single.equity.equity[single.equity.length - 1]!));
      expect(cell[header.indexOf('trades')]).toBe(String(single.metrics.trades));
      expect(cell[3]).toBe(num(single.metrics.totalReturn!));
    }
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ kind: 'optimize', objective: 'totalReturn', method: 'grid', cells: 6 });
    expect(report.data).toMatchObject({ source: 'csv', symbols: ['GOLD'], timeframe: '1D' });
    expect(report.bestParams).toMatchObject({ fast: report.best.params.fast, slow: report.best.params.slow });

    // Same command, same bytes: nothing in the files depends on the clock.
    const again = join(dir, 'opt2');
    research(
      'optimize',
      ...common,
      '--grid',
      'fast=5,10',
      '--grid',
      'slow=20:40:10',
      '--objective',
      'totalReturn',
      '--out',
      again,
    );
    expect(readFileSync(join(again, 'results.csv'), 'utf8')).toBe(
      readFileSync(join(out, 'results.csv'), 'utf8'),
    );
    expect(readFileSync(join(again, 'report.json'), 'utf8')).toBe(
      readFileSync(join(out, 'report.json'), 'utf8'),
    );
  });

  it('a seeded TPE search gives the same cells twice', () => {
    const run = (out: string) =>
      research(
        'optimize',
        ...common,
        '--grid',
        'fast=2:15',
        '--grid',
        'slow=20:60',
        '--method',
        'tpe',
        '--trials',
        '14',
        '--seed',
        '3',
        '--out',
        join(dir, out),
      );
    expect(run('tpe1').status).toBe(0);
    expect(run('tpe2').status).toBe(0);
    const a = readFileSync(join(dir, 'tpe1', 'results.csv'), 'utf8');
    expect(a.trim().split('\n')).toHaveLength(15);
    expect(readFileSync(join(dir, 'tpe2', 'results.csv'), 'utf8')).toBe(a);
  });

  it('walk-forward writes folds.csv with bar indices, oos_equity.csv and report.json with the efficiency', () => {
    const out = join(dir, 'wf');
    const { status, stdout, stderr } = research(
      'walk-forward',
      ...common,
      '--grid',
      'fast=3,5,8',
      '--grid',
      'slow=20,30',
      '--train-bars',
      '150',
      '--test-bars',
      '80',
      '--gap-bars',
      '2',
      '--mode',
      'anchored',
      '--objective',
      'sharpe',
      '--out',
      out,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^WFE (-?\d+\.\d\d|undefined) over 4 folds/m);
    const folds = readFileSync(join(out, 'folds.csv'), 'utf8').trim().split('\n');
    expect(folds[0]!.split(',').slice(0, 7)).toEqual([
      'fold',
      'train_start',
      'train_end',
      'test_start',
      'test_end',
      'fast',
      'slow',
    ]);
    expect(folds[0]).toContain('is_sharpe');
    expect(folds[0]).toContain('oos_sharpe');
    expect(folds.slice(1).map((line) => line.split(',').slice(0, 5).join(','))).toEqual([
      '1,0,150,152,232',
      '2,0,230,232,312',
      '3,0,310,312,392',
      '4,0,390,392,400',
    ]);
    const equity = readFileSync(join(out, 'oos_equity.csv'), 'utf8').trim().split('\n');
    expect(equity[0]).toBe('time,equity');
    expect(equity).toHaveLength(1 + (400 - 152));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.kind).toBe('walk-forward');
    expect('efficiency' in report).toBe(true);
    expect(report.folds).toHaveLength(4);
    expect(report.windows).toEqual({ unit: 'bars', train: 150, test: 80, gap: 2, mode: 'anchored' });
    expect(report.oosEquity).toBeUndefined();
  });

  it('walk-forward in calendar months: every test window starts on the first bar of a month', () => {
    const out = join(dir, 'wf-months');
    const { status, stderr } = research(
      'walk-forward',
      ...common,
      '--grid',
      'fast=3,5',
      '--grid',
      'slow=20,30',
      '--train-months',
      '6',
      '--test-months',
      '3',
      '--out',
      out,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.windows).toMatchObject({ unit: 'months', train: 6, test: 3 });
    const month = (i: number) => iso(series.time[i]!).slice(0, 7);
    for (const fold of report.folds) {
      expect(month(fold.testStart)).not.toBe(month(fold.testStart - 1));
      expect(fold.trainStart === 0 || month(fold.trainStart) !== month(fold.trainStart - 1)).toBe(true);
      expect(fold.testFrom).toBe(series.time[fold.testStart]);
    }
    expect(report.folds[0].testStart).toBe(series.time.findIndex((t) => iso(t).startsWith('2022-07')));
  });

  it.each([
    [
      ['optimize', '--grid', 'speed=1,2'],
      "config error: --grid: 'speed' is not a parameter of sma-crossover; its parameters are fast, slow, allowShort",
    ],
    [['optimize', '--grid', 'fast='], 'config error: --grid: fast has no values (e.g. fast=5,10,20)'],
    [['optimize'], 'config error: --grid: give at least one parameter to search, e.g. --grid fast=5,10,20'],
    [
      ['optimize', '--grid', 'fast=5,10', '--objective', 'profit'],
      "config error: --objective: 'profit' is not one of sharpe,",
    ],
    [
      ['walk-forward', '--grid', 'fast=5,10', '--train-bars', '350', '--test-bars', '60'],
      'config error: windows: a train window of 350 bars and a test window of 60 need 410 bars, but the data has 400',
    ],
    [
      ['optimize', '--grid', 'fast=5', '--grid', 'slow=1:1000000:1'],
      'config error: --grid: the grid has 1,000,000 cells, more than 100,000',
    ],
    [
      ['optimize', '--grid', 'fast=5', '--train-bars', '10'],
      'config error: --train-bars: windows are for walk-forward, not optimize',
    ],
    [
      ['walk-forward', '--grid', 'fast=5,10', '--train-months', '6', '--test-bars', '20'],
      'config error: --train: give all windows in one unit, not bars and months',
    ],
    [
      ['frobnicate'],
      "config error: 'frobnicate' is not a research subcommand; use one of optimize, walk-forward",
    ],
  ])('refuses %j with exit 2 before any work', (args, message) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    const [sub, ...rest] = args;
    const { status, stdout, stderr } = research(
      sub!,
      ...(sub === 'frobnicate' ? [] : common),
      ...rest,
      '--out',
      out,
    );
    expect(status).toBe(2);
    expect(stderr.startsWith(message)).toBe(true);
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
