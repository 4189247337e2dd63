// Monte Carlo speed (issue #13): 100,000 runs of 10,000 trades (10⁹ trade steps) on one core, target under 2 s,
// for each method. Beside it, for scale, the time this machine takes just to add up 10⁹ doubles in a plain loop:
// on a shared or slow machine both rise together. Figures are wall time of one timed run after a warm-up run
// (V8 optimises the loops first), and the process's CPU time over it.
// Check: shuffle reorders the same trades, so every path must end at the original final equity.
import { monteCarlo } from '../src/main/research/monte-carlo';
import { monteCarloSettingsSchema } from '../src/shared/domain/research';
import { BenchCheckFailed, type BenchFigures } from './registry';

const RUNS = 100_000;
const TRADES = 10_000;
const START = 100_000;
const TARGET_MS = 2_000;

/** Trade P&L with a small edge: a deterministic LCG, so every run of the bench resamples the same trades. */
function benchTrades(): Float64Array {
  const pnl = new Float64Array(TRADES);
  let seed = 20_261_205;
  for (let i = 0; i < TRADES; i++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    pnl[i] = (seed / 4_294_967_296 - 0.48) * 200;
  }
  return pnl;
}

function timed<T>(work: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, wallMs: Math.round(wallMs), cpuMs: Math.round((used.user + used.system) / 1000) };
}

/** The floor: 10⁹ additions of the same trades in a plain loop. */
function plainSum(pnl: Float64Array): number {
  let total = 0;
  for (let run = 0; run < RUNS; run++) for (let i = 0; i < pnl.length; i++) total += pnl[i]!;
  return total;
}

export function benchMonteCarlo(): Record<string, BenchFigures> {
  const pnl = benchTrades();
  const floor = timed(() => plainSum(pnl));
  const figures: Record<string, number | string | boolean> = {
    runs: RUNS,
    trades: TRADES,
    targetMs: TARGET_MS,
    plainSumMs: floor.wallMs,
  };
  const lines = [
    `${RUNS.toLocaleString('en-US')} runs × ${TRADES.toLocaleString('en-US')} trades (10⁹ steps), one core; target < ${TARGET_MS} ms`,
    `  plain sum of 10⁹ doubles (this machine's floor)  ${floor.wallMs} ms`,
  ];
  let slowest = 0;
  for (const method of ['shuffle', 'bootstrap', 'block'] as const) {
    const settings = monteCarloSettingsSchema.parse({ runs: RUNS, method, seed: 1 });
    monteCarlo(pnl, START, { ...settings, runs: 1_000 }); // warm-up: let V8 optimise the loops
    const { value: result, wallMs, cpuMs } = timed(() => monteCarlo(pnl, START, settings));
    if (method === 'shuffle') {
      const spread = Math.max(
        Math.abs(result.finalEquity.p5 - result.actual.finalEquity),
        Math.abs(result.finalEquity.p95 - result.actual.finalEquity),
      );
      if (spread > 1e-6) {
        throw new BenchCheckFailed(`shuffled paths end ${spread} away from the original final equity`);
      }
    }
    slowest = Math.max(slowest, wallMs);
    figures[`${method}Ms`] = wallMs;
    figures[`${method}CpuMs`] = cpuMs;
    figures[`${method}NsPerStep`] = Number(((wallMs * 1e6) / (RUNS * TRADES)).toFixed(2));
    lines.push(
      `  ${method.padEnd(9)}  ${wallMs} ms (${cpuMs} ms CPU), ${(wallMs / floor.wallMs).toFixed(1)}× the plain sum  ${wallMs < TARGET_MS ? 'meets' : 'MISSES'} < ${TARGET_MS} ms`,
    );
  }
  figures.slowestMs = slowest;
  figures.meetsTarget = slowest < TARGET_MS;
  console.log(lines.join('\n'));
  return { 'research.monteCarlo': figures };
}
