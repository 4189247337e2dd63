import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../..');
// The bundle `npm run backtest` runs (built before the integration suite), directly: npm prints notices of its own.
const CLI = join(REPO, 'out/cli/backtest.cjs');
const dir = mkdtempSync(join(tmpdir(), 'marketboss-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function backtest(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

// The golden series of tests/unit/research/backtest.test.ts as a CSV file (see the hand calculation there).
const CSV = [
  'Date,Open,High,Low,Close,Volume',
  '2024-01-01,10,10.5,9.5,10,1000',
  '2024-01-02,10,10.5,9.5,10,1000',
  '2024-01-03,10,10.5,9.5,10,1000',
  '2024-01-04,10,13.5,9.5,13,1000',
  '2024-01-05,12.5,13.5,12,13,1000',
  '2024-01-06,13,13.5,9.5,10,1000',
  '2024-01-07,9.5,10,8.5,9,1000',
  '2024-01-08,9,12.5,8.5,12,1000',
  '2024-01-09,12.8,14.5,12.3,14,1000',
  '2024-01-10,14,15.5,13.5,15,1000',
].join('\n');

describe('backtest CLI end to end', () => {
  const csvPath = join(dir, 'gold.csv');
  writeFileSync(csvPath, `${CSV}\n`);
  const flags = [
    '--data',
    csvPath,
    '--symbol',
    'GOLD',
    '--strategy',
    'sma-crossover',
    '--param',
    'fast=2',
    '--param',
    'slow=3',
  ];
  const common = [...flags, '--no-risk', '--qty', '10', '--cash', '10000', '--fill', 'next-open'];

  it('runs a CSV, prints the metrics table and writes the four files', () => {
    const out = join(dir, 'run1');
    const { status, stdout, stderr } = backtest(...common, '--out', out);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('sma-crossover on GOLD (1D, 10 bars, 2024-01-01 → 2024-01-10)');
    expect(stdout).toMatch(/Total return\s+-0\.08%/);
    expect(stdout).toContain('buy & hold');

    expect(readFileSync(join(out, 'fills.csv'), 'utf8')).toBe(
      [
        'time,symbol,side,qty,price,fee,order_id',
        '2024-01-05T00:00:00.000Z,GOLD,buy,10,12.5,0,bt-o1',
        '2024-01-07T00:00:00.000Z,GOLD,sell,10,9.5,0,bt-o2',
        '2024-01-09T00:00:00.000Z,GOLD,buy,10,12.8,0,bt-o3',
        '2024-01-10T00:00:00.000Z,GOLD,sell,10,15,0,bt-o4',
        '',
      ].join('\n'),
    );
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n');
    expect(trades[0]).toBe(
      'symbol,side,qty,entry_time,entry_price,exit_time,exit_price,pnl,fees,bars_held,exit_reason',
    );
    expect(trades[1]).toBe(
      'GOLD,long,10,2024-01-05T00:00:00.000Z,12.5,2024-01-07T00:00:00.000Z,9.5,-30,0,2,signal',
    );
    expect(trades[2]).toMatch(
      /^GOLD,long,10,2024-01-09T00:00:00.000Z,12.8,2024-01-10T00:00:00.000Z,15,22,0,1,end_of_data$/,
    );
    const equity = readFileSync(join(out, 'equity.csv'), 'utf8').trim().split('\n');
    expect(equity[0]).toBe('time,equity,cash,drawdown');
    expect(equity).toHaveLength(11);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.engineVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report.config.risk.enabled).toBe(false);
    expect(report.strategies.GOLD).toEqual({
      id: 'sma-crossover',
      params: { fast: 2, slow: 3, allowShort: false },
    });
    expect(report.metrics.trades).toBe(2);
    expect(report.benchmark.metrics.totalReturn).toBeCloseTo(0.5, 12);
    expect(report.notes).toContain('stop and target in one bar: stop assumed first (0 times)');
  });

  it('writes byte-identical files when run again with the same config and seed', () => {
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    expect(backtest(...common, '--seed', '3', '--out', a).status).toBe(0);
    expect(backtest(...common, '--seed', '3', '--out', b).status).toBe(0);
    for (const file of ['fills.csv', 'trades.csv', 'equity.csv']) {
      expect(readFileSync(join(b, file), 'utf8')).toBe(readFileSync(join(a, file), 'utf8'));
    }
    // report.json names the output-independent inputs only, so it matches too.
    expect(readFileSync(join(b, 'report.json'), 'utf8')).toBe(readFileSync(join(a, 'report.json'), 'utf8'));
  });

  it('--write writes only the files asked for, the same bytes as a full run', () => {
    const all = join(dir, 'write-all');
    const some = join(dir, 'write-some');
    expect(backtest(...common, '--out', all).status).toBe(0);
    const run = backtest(...common, '--out', some, '--write', 'report,trades');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote trades.csv, report.json to ${some}`);
    expect(readdirSync(some).sort()).toEqual(['report.json', 'trades.csv']);
    for (const file of ['trades.csv', 'report.json']) {
      expect(readFileSync(join(some, file), 'utf8')).toBe(readFileSync(join(all, file), 'utf8'));
    }
    const bad = backtest(...common, '--out', some, '--write', 'report,orders');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("config error: --write: 'orders' is not one of fills, trades, equity, report");
  });

  it('reads a --config file, and flags override it', () => {
    const configPath = join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        cash: 10_000,
        strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
        risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 5 } },
        venue: { commissionPerOrder: 1 },
        data: { csv: [{ path: csvPath, symbol: 'GOLD' }] },
      }),
    );
    const out = join(dir, 'from-config');
    const { status } = backtest('--config', configPath, '--qty', '10', '--out', out);
    expect(status).toBe(0);
    const fills = readFileSync(join(out, 'fills.csv'), 'utf8').trim().split('\n');
    expect(fills[1]).toBe('2024-01-05T00:00:00.000Z,GOLD,buy,10,12.5,1,bt-o1');
  });

  it('a config error names the field, in one line, with exit status 2', () => {
    const bad = backtest(...flags, '--fill', 'whenever');
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^config error: venue\.fill: /);

    const params = backtest(...flags.slice(0, 6), '--param', 'fast=9', '--param', 'slow=3');
    expect(params.status).toBe(2);
    expect(params.stderr).toBe('config error: strategy.params.fast: must be less than the slow period (3)');
  });

  it('a bad CSV row names the file, the line and the field, with exit status 2', () => {
    const badPath = join(dir, 'bad.csv');
    writeFileSync(
      badPath,
      `${CSV.replace('2024-01-04,10,13.5,9.5,13,1000', '2024-01-04,10,12,9.5,13,1000')}\n`,
    );
    const bad = backtest('--data', badPath, '--symbol', 'BAD');
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^data error: bad\.csv line 5, field high: /);
  });

  it('a FIFO given as data is refused at once (no wait for a writer), with exit status 2', () => {
    const fifo = join(dir, 'pipe.csv');
    spawnSync('mkfifo', [fifo]);
    // Old behaviour (readFileSync) waited for a writer: this one shows up after 8 s, within the spawn's timeout.
    const writer = spawn('sh', ['-c', `sleep 15; printf 'x\\n' > "$0"`, fifo], { stdio: 'ignore' });
    try {
      const started = Date.now();
      const piped = backtest('--data', fifo, '--symbol', 'PIPE');
      expect(Date.now() - started).toBeLessThan(12_000);
      expect(piped.status).toBe(2);
      expect(piped.stderr).toBe(`data error: ${fifo} is not a regular file (it is a FIFO/named pipe)`);
    } finally {
      writer.kill();
    }
  });

  it('--account takes cash or margin, is listed in --help, and report.json counts rejections by reason', () => {
    expect(backtest('--help').stdout).toContain('--account cash|margin');
    // 10 shares at 12.5 cost 125: with 100 of cash the broker refuses both buys, whatever the risk settings.
    const out = join(dir, 'poor');
    const poor = backtest(...flags, '--no-risk', '--qty', '10', '--cash', '100', '--out', out);
    expect(poor.status).toBe(0);
    expect(poor.stdout).toContain('note: 2 orders rejected by the simulated broker: insufficient cash (2)');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      config: { account: unknown };
      stats: { rejections: unknown };
    };
    expect(report.config.account).toEqual({ type: 'cash', multiplier: 2 });
    expect(report.stats.rejections).toEqual({ 'insufficient cash': 2 });
    const margin = backtest(...flags, '--no-risk', '--qty', '10', '--cash', '100', '--account', 'margin');
    expect(margin.stdout).not.toContain('rejected');
    const bad = backtest(...flags, '--account', 'credit');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^config error: account\.type: /);
  });

  it('--report html writes tearsheet.html beside the other files: the run’s figures, nothing external', () => {
    const out = join(dir, 'tearsheet');
    const run = backtest(
      '--symbol',
      'ACME',
      '--bars',
      '300',
      '--out',
      out,
      '--write',
      'report',
      '--report',
      'html',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote report.json, tearsheet.html to ${out}`);
    const html = readFileSync(join(out, 'tearsheet.html'), 'utf8');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      metrics: { totalReturn: number; trades: number };
    };
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|src="http|href="http|<link/i);
    expect(html).toContain('<h1>SMA 5/20 · ACME · 1D</h1>');
    expect(html).toContain(
      `<th scope="row">Total return</th><td>${(report.metrics.totalReturn * 100).toFixed(2)}%</td>`,
    );
    expect(html).toContain(`<th scope="row">Round trips</th><td>${report.metrics.trades}</td>`);
    // The same run gives the same file.
    const again = join(dir, 'tearsheet-again');
    expect(backtest('--symbol', 'ACME', '--bars', '300', '--out', again, '--report', 'html').status).toBe(0);
    expect(readFileSync(join(again, 'tearsheet.html'), 'utf8')).toBe(html);

    const pdf = backtest('--symbol', 'ACME', '--out', out, '--report', 'pdf');
    expect(pdf.status).toBe(2);
    expect(pdf.stderr).toBe("config error: --report: 'pdf' is not a report format; the one there is: html");
    const nowhere = backtest('--symbol', 'ACME', '--report', 'html');
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toBe(
      'config error: --report: html needs --out <dir> to write tearsheet.html into',
    );
  });

  it('without --data it runs the built-in synthetic market', () => {
    const { status, stdout } = backtest('--symbol', 'ACME', '--bars', '300');
    expect(status).toBe(0);
    expect(stdout).toContain('sma-crossover on ACME (1D, 300 bars');
    expect(stdout).toContain('note: data: synthetic market');
  });
});
