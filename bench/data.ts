// The data path, end to end: `npm run backtest` on a 1,000,000-bar daily CSV as whole processes, side by side in one
// run with the plain reference (bench/reference-backtest.mjs: read the file whole, split, parse, the same SMA 10/30
// crossover), turn about:
//   first run   — the CLI with an empty parsed-data cache: parses the CSV and fills the cache
//   cached run  — the same command again: columns from the cache
//   startup     — `--help`, against a bare `node -e 0`
// Both sides write trades.csv and report.json (the CLI with --write report,trades); the CLI's full output (all four
// files, a 1M-row equity.csv among them) is timed too, for information. Figures are medians of ROUNDS; ratios are
// taken pair by pair. Peak RSS comes from each child's own getrusage (bench/peak-rss.cjs, preloaded).
// Checks: the CLI and the reference agree on the trades (count and final equity), the cached run's files are the
// first run's byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchCheckFailed, type BenchFigures, type BenchModule } from './registry';

const BARS = 1_000_000;
const ROUNDS = 5;
const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'out', 'cli', 'backtest.cjs');
const REFERENCE = join(ROOT, 'bench', 'reference-backtest.mjs');
const PEAK_RSS = join(ROOT, 'bench', 'peak-rss.cjs');
const TIME_RATIO_TARGET = 1.5;
const RSS_RATIO_TARGET = 1.5;
const CACHED_RATIO_TARGET = 0.3;
/** Enough that 100 shares at $500 always fit, whatever the run has lost: the trades must equal the reference's. */
const CASH = '1000000';

/** A deterministic random walk in log price, reflected at $20 and $500, so 100 shares never cost more than the cash. */
function writeBenchCsv(path: string): void {
  let seed = 20_261_205;
  const random = (): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 4_294_967_296;
  };
  const day = 86_400_000;
  let logPrice = Math.log(100);
  const parts: string[] = ['timestamp,open,high,low,close,volume\n'];
  for (let i = 0; i < BARS; i++) {
    const open = Math.exp(logPrice);
    logPrice += (random() - 0.5) * 0.04;
    if (logPrice > Math.log(500)) logPrice = 2 * Math.log(500) - logPrice;
    if (logPrice < Math.log(20)) logPrice = 2 * Math.log(20) - logPrice;
    const close = Math.exp(logPrice);
    const high = Math.max(open, close) * (1 + random() * 0.01);
    const low = Math.min(open, close) * (1 - random() * 0.01);
    const volume = 1_000 + Math.floor(random() * 1_000_000);
    const date = new Date(Date.UTC(1990, 0, 1) + i * day).toISOString().slice(0, 10);
    parts.push(
      `${date},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${volume}\n`,
    );
  }
  writeFileSync(path, parts.join(''));
}

interface Run {
  readonly wallMs: number;
  readonly peakMb: number;
  readonly stdout: string;
}

/** Runs `node args` with the peak-RSS preload; fails the bench loudly if the command fails. */
function runNode(args: readonly string[], label: string): Run {
  const rssFile = join(tmpdir(), `marketboss-bench-rss-${process.pid}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--require', PEAK_RSS, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MARKETBOSS_PEAK_RSS_FILE: rssFile },
    maxBuffer: 64 << 20,
  });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new BenchCheckFailed(`${label} exited ${result.status}: ${result.stderr.trim().split('\n')[0]}`);
  }
  const peakKb = Number(readFileSync(rssFile, 'utf8'));
  rmSync(rssFile, { force: true });
  return { wallMs, peakMb: Math.round(peakKb / 102.4) / 10, stdout: result.stdout };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (value: number, places = 3): number => Number(value.toFixed(places));

export const dataBench: BenchModule = {
  name: 'data',
  run(): Record<string, BenchFigures> {
    const dir = mkdtempSync(join(tmpdir(), 'marketboss-bench-data-'));
    try {
      const csv = join(dir, 'bars.csv');
      writeBenchCsv(csv);
      const common = [
        CLI,
        '--data',
        csv,
        '--symbol',
        'BENCH',
        '--param',
        'fast=10',
        '--param',
        'slow=30',
        '--qty',
        '100',
        '--no-risk',
        '--cash',
        CASH,
      ];
      const samples = {
        reference: [] as Run[],
        first: [] as Run[],
        cached: [] as Run[],
        allFiles: [] as Run[],
        help: [] as Run[],
        bare: [] as Run[],
      };
      for (let r = 0; r < ROUNDS; r++) {
        const cache = join(dir, `cache-${r}`);
        samples.reference.push(
          runNode([REFERENCE, csv, join(dir, 'ref'), '10', '30', '100', CASH], 'reference'),
        );
        const out = join(dir, `cli-${r}`);
        const partial = [...common, '--cache-dir', cache, '--write', 'report,trades'];
        samples.first.push(runNode([...partial, '--out', join(out, 'first')], 'CLI first run'));
        samples.cached.push(runNode([...partial, '--out', join(out, 'cached')], 'CLI cached run'));
        samples.allFiles.push(
          runNode([...common, '--no-cache', '--out', join(out, 'all')], 'CLI writing all files'),
        );
        samples.help.push(runNode([CLI, '--help'], 'CLI --help'));
        samples.bare.push(runNode(['-e', '0'], 'node -e 0'));
        if (!samples.cached[r]!.stdout.includes('read from the parsed-data cache')) {
          throw new BenchCheckFailed('the second run did not read the parsed-data cache');
        }
        for (const file of ['trades.csv', 'report.json']) {
          const first = readFileSync(join(out, 'first', file), 'utf8');
          if (readFileSync(join(out, 'cached', file), 'utf8') !== first) {
            throw new BenchCheckFailed(`${file} of the cached run differs from the first run's`);
          }
        }
        rmSync(cache, { recursive: true, force: true });
      }

      // The same trades as the reference: its report against the CLI's.
      const ref = JSON.parse(readFileSync(join(dir, 'ref', 'report.json'), 'utf8')) as {
        trades: number;
        finalEquity: number;
      };
      const own = JSON.parse(readFileSync(join(dir, 'cli-0', 'first', 'report.json'), 'utf8')) as {
        metrics: { trades: number; endEquity: number };
      };
      if (own.metrics.trades !== ref.trades || Math.abs(own.metrics.endEquity - ref.finalEquity) > 1e-6) {
        throw new BenchCheckFailed(
          `the CLI made ${own.metrics.trades} trades ending at ${own.metrics.endEquity}, the reference ${ref.trades} at ${ref.finalEquity}`,
        );
      }

      const ratio = (a: Run[], b: Run[], of: (run: Run) => number): number =>
        median(a.map((run, k) => of(run) / of(b[k]!)));
      const wall = (run: Run): number => run.wallMs;
      const rss = (run: Run): number => run.peakMb;
      const figures = {
        bars: BARS,
        csvMb: round(Buffer.byteLength(readFileSync(csv)) / 1_048_576, 1),
        trades: ref.trades,
        referenceMs: Math.round(median(samples.reference.map(wall))),
        referencePeakMb: median(samples.reference.map(rss)),
        firstRunMs: Math.round(median(samples.first.map(wall))),
        firstRunPeakMb: median(samples.first.map(rss)),
        cachedRunMs: Math.round(median(samples.cached.map(wall))),
        cachedRunPeakMb: median(samples.cached.map(rss)),
        allFilesMs: Math.round(median(samples.allFiles.map(wall))),
        allFilesPeakMb: median(samples.allFiles.map(rss)),
        timeVsReference: round(ratio(samples.first, samples.reference, wall)),
        rssVsReference: round(ratio(samples.first, samples.reference, rss)),
        allFilesTimeVsReference: round(ratio(samples.allFiles, samples.reference, wall)),
        allFilesRssVsReference: round(ratio(samples.allFiles, samples.reference, rss)),
        cachedVsFirst: round(ratio(samples.cached, samples.first, wall)),
        startupMs: Math.round(median(samples.help.map(wall))),
        bareNodeMs: Math.round(median(samples.bare.map(wall))),
        startupAboveBareNodeMs: Math.round(
          median(samples.help.map((run, k) => run.wallMs - samples.bare[k]!.wallMs)),
        ),
        timeTarget: TIME_RATIO_TARGET,
        rssTarget: RSS_RATIO_TARGET,
        cachedTarget: CACHED_RATIO_TARGET,
      };
      const meets = (value: number, target: number): string => (value <= target ? 'meets' : 'MISSES');
      console.log(
        [
          `1M-bar CSV (${figures.csvMb} MB), SMA 10/30, 100 shares; medians of ${ROUNDS} rounds, ratios pair by pair`,
          `  reference          ${figures.referenceMs} ms, ${figures.referencePeakMb} MB peak`,
          `  CLI first run      ${figures.firstRunMs} ms, ${figures.firstRunPeakMb} MB peak  → ${figures.timeVsReference}× time (${meets(figures.timeVsReference, TIME_RATIO_TARGET)} ≤ ${TIME_RATIO_TARGET}), ${figures.rssVsReference}× RSS (${meets(figures.rssVsReference, RSS_RATIO_TARGET)} ≤ ${RSS_RATIO_TARGET})`,
          `  CLI cached rerun   ${figures.cachedRunMs} ms, ${figures.cachedRunPeakMb} MB peak  → ${figures.cachedVsFirst}× the first run (${meets(figures.cachedVsFirst, CACHED_RATIO_TARGET)} ≤ ${CACHED_RATIO_TARGET})`,
          `  CLI all 4 files    ${figures.allFilesMs} ms, ${figures.allFilesPeakMb} MB peak  → ${figures.allFilesTimeVsReference}× time, ${figures.allFilesRssVsReference}× RSS (no cache; 1M-row equity.csv)`,
          `  startup (--help)   ${figures.startupMs} ms; bare node ${figures.bareNodeMs} ms; ours above it ${figures.startupAboveBareNodeMs} ms`,
          `  trades ${figures.trades}, the same as the reference's`,
        ].join('\n'),
      );
      return { 'data.backtestCli': figures };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
