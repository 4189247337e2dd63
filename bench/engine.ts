// Engine benchmarks: the full engine against a bare SMA-crossover kernel on 1,000,000 daily bars (speed, same
// trades), and a 10 symbols × 1,000,000 bars backtest (peak memory against the raw column data).

import { cpus, loadavg } from 'node:os';
import { Engine } from '../src/main/engine/engine';
import { EventCollector } from '../src/main/engine/events';
import type { FillTable } from '../src/main/engine/fill-table';
import { sequentialIds } from '../src/main/engine/ids';
import { RiskConfigSchema } from '../src/main/engine/risk-gateway';
import {
  AccountConfigSchema,
  type SimVenue,
  SimVenueConfigSchema,
  simVenue,
} from '../src/main/engine/sim-venue';
import { generateMarket, generateSeries } from '../src/main/feeds/synthetic';
import { runBacktest } from '../src/main/research/backtest';
import { getStrategy } from '../src/main/strategies';
import type { BarSeries } from '../src/shared/domain/bars';
import { seededRandom } from '../src/shared/random';
import { BenchCheckFailed, type BenchFigures, type BenchModule, megabytes } from './registry';

const BARS = 1_000_000;
const SYMBOLS = 10;
const FAST = 10;
const SLOW = 30;
const QTY = 100;
const CASH = 1_000_000_000;
const ROUNDS = 15;
const TARGET_RATIO = 0.15;

/** Fills of the kernel, as columns; side is +1 buy, −1 sell. */
interface KernelFills {
  time: Float64Array;
  side: Float64Array;
  qty: Float64Array;
  price: Float64Array;
  count: number;
}

/**
 * The bare kernel: one loop over the columns. SMAs are running sums in exactly the order of RollingMean
 * (add the new close, then subtract the one leaving the window, then divide), so the crossings, and the trades,
 * match the engine's SMA-crossover bit for bit. Long-only, next-open fills, fixed quantity, no fees, a cash account
 * (a buy costing more than the cash is refused); the open position is sold at the last close, as the engine does at
 * the end of data.
 */
export function smaCrossoverKernel(
  series: BarSeries,
  fast: number,
  slow: number,
  qty: number,
  cash: number,
  equity: Float64Array,
  fills: KernelFills,
): number {
  const { open, close, time, length } = series;
  let fastSum = 0;
  let slowSum = 0;
  let previousSpread = Number.NaN;
  let position = 0;
  let pending = 0;
  let fillCount = 0;
  for (let i = 0; i < length; i++) {
    // A buy the cash cannot pay for is refused, as the engine's cash account refuses it.
    if (pending > 0 && qty * open[i]! > cash) pending = 0;
    if (pending !== 0) {
      const price = open[i]!;
      const traded = pending > 0 ? qty : position;
      cash -= pending * traded * price;
      position += pending * traded;
      fills.time[fillCount] = time[i]!;
      fills.side[fillCount] = pending;
      fills.qty[fillCount] = traded;
      fills.price[fillCount++] = price;
      pending = 0;
    }
    const x = close[i]!;
    fastSum += x;
    if (i >= fast) fastSum -= close[i - fast]!;
    slowSum += x;
    if (i >= slow) slowSum -= close[i - slow]!;
    if (i >= slow - 1) {
      const spread = fastSum / fast - slowSum / slow;
      if (previousSpread <= 0 && spread > 0 && position === 0) pending = 1;
      else if (previousSpread >= 0 && spread < 0 && position > 0) pending = -1;
      previousSpread = spread;
    }
    equity[i] = cash + position * x;
  }
  if (position > 0) {
    const price = close[length - 1]!;
    cash += position * price;
    fills.time[fillCount] = time[length - 1]!;
    fills.side[fillCount] = -1;
    fills.qty[fillCount] = position;
    fills.price[fillCount++] = price;
    equity[length - 1] = cash;
  }
  fills.count = fillCount;
  return cash;
}

function engineFor(series: BarSeries, collector: EventCollector): Engine<SimVenue> {
  const definition = getStrategy('sma-crossover');
  const params = definition.params.parse({ fast: FAST, slow: SLOW });
  return new Engine(
    {
      markets: [
        { series, strategy: definition.create(params, series.symbol), warmup: definition.warmup(params) },
      ],
      cash: CASH,
      // Risk on, with limits wide enough never to bind and no stops or targets, so the trades equal the kernel's.
      risk: RiskConfigSchema.parse({
        sizing: { mode: 'fixed-qty', qty: QTY },
        stopLoss: 0,
        takeProfit: 0,
        maxGrossExposure: 1000,
        maxDailyLoss: 1,
        maxOpenPositions: 1,
      }),
      ids: sequentialIds('bench'),
      sink: collector,
    },
    simVenue(SimVenueConfigSchema.parse({}), seededRandom(1), AccountConfigSchema.parse({})),
  );
}

function sameTrades(kernel: KernelFills, fills: FillTable): string | undefined {
  if (kernel.count !== fills.length) return `kernel made ${kernel.count} fills, the engine ${fills.length}`;
  for (let k = 0; k < fills.length; k++) {
    const side = kernel.side[k]! > 0 ? 'buy' : 'sell';
    if (
      fills.time[k] !== kernel.time[k] ||
      fills.side[k] !== (side === 'buy' ? 0 : 1) ||
      fills.qty[k] !== kernel.qty[k] ||
      fills.price[k] !== kernel.price[k]
    ) {
      return `fill ${k} differs: kernel ${side} ${kernel.qty[k]} @ ${kernel.price[k]} at ${kernel.time[k]}, engine ${fills.side[k] === 0 ? 'buy' : 'sell'} ${fills.qty[k]} @ ${fills.price[k]} at ${fills.time[k]}`;
    }
  }
  return undefined;
}

function rateOf(bars: number, ms: number): number {
  return Math.round(bars / (ms / 1000));
}

function memoryBench(): BenchFigures {
  const baseline = process.memoryUsage.rss();
  const symbols = Array.from({ length: SYMBOLS }, (_, k) => `SYM${k}`);
  const generateStart = performance.now();
  const market = generateMarket({ seed: 11, bars: BARS, timeframe: '1D', symbols });
  const generateMs = performance.now() - generateStart;
  const rawBytes = market.reduce((sum, s) => sum + 6 * 8 * s.length, 0);
  let peak = process.memoryUsage.rss();
  const start = performance.now();
  const result = runBacktest(
    {
      strategy: { id: 'sma-crossover', params: { fast: FAST, slow: SLOW } },
      risk: { maxOpenPositions: SYMBOLS, maxDailyLoss: 1 },
    },
    market,
    {
      progress: {
        every: 50_000,
        report: () => {
          peak = Math.max(peak, process.memoryUsage.rss());
        },
      },
    },
  );
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage.rss());
  const used = peak - baseline;
  const figures = {
    symbols: SYMBOLS,
    barsPerSymbol: BARS,
    rawColumnMB: megabytes(rawBytes),
    peakRssAboveBaselineMB: megabytes(used),
    peakOverRaw: Math.round((used / rawBytes) * 100) / 100,
    processMaxRssMB: megabytes(process.resourceUsage().maxRSS * 1024),
    generateMs: Math.round(generateMs),
    backtestMs: Math.round(ms),
    barsPerSecond: rateOf(SYMBOLS * BARS, ms),
    trades: result.trades.length,
    fills: result.fills.length,
    meetsTarget: used < 2 * rawBytes,
  };
  console.log(
    `${SYMBOLS} symbols × ${BARS.toLocaleString('en-US')} bars: raw columns ${figures.rawColumnMB} MB, ` +
      `peak RSS above baseline ${figures.peakRssAboveBaselineMB} MB (${figures.peakOverRaw}× raw; target < 2×), ` +
      `${figures.barsPerSecond.toLocaleString('en-US')} bars/s, ${figures.trades} trades`,
  );
  return figures;
}

function speedBench(): BenchFigures {
  const series = generateSeries('BENCH', { seed: 7, bars: BARS, timeframe: '1D' });
  const equity = new Float64Array(BARS);
  const fills: KernelFills = {
    time: new Float64Array(BARS),
    side: new Float64Array(BARS),
    qty: new Float64Array(BARS),
    price: new Float64Array(BARS),
    count: 0,
  };
  let kernelBest = Number.POSITIVE_INFINITY;
  let engineBest = Number.POSITIVE_INFINITY;
  // Each round runs both back to back, so a round's ratio shares the machine's load of the moment.
  const roundRatios: number[] = [];
  let engineFills: FillTable | undefined;
  let engineEquity: Float64Array = new Float64Array(0);
  for (let round = 0; round < ROUNDS; round++) {
    let start = performance.now();
    smaCrossoverKernel(series, FAST, SLOW, QTY, CASH, equity, fills);
    const kernelMs = performance.now() - start;
    kernelBest = Math.min(kernelBest, kernelMs);

    const collector = new EventCollector({ orders: 'none' });
    const engine = engineFor(series, collector);
    start = performance.now();
    engine.run();
    const engineMs = performance.now() - start;
    engineBest = Math.min(engineBest, engineMs);
    roundRatios.push(kernelMs / engineMs);
    engineFills = collector.fills.table();
    engineEquity = engine.curve.equity;
  }
  if (engineFills === undefined) throw new BenchCheckFailed('the engine never ran');
  const mismatch = sameTrades(fills, engineFills);
  if (mismatch !== undefined)
    throw new BenchCheckFailed(`kernel and engine made different trades: ${mismatch}`);
  let equityMatches = true;
  for (let i = 0; i < BARS; i++) if (equity[i] !== engineEquity[i]) equityMatches = false;

  const kernelRate = rateOf(BARS, kernelBest);
  const engineRate = rateOf(BARS, engineBest);
  const ratio = Math.round((engineRate / kernelRate) * 1000) / 1000;
  const sorted = [...roundRatios].sort((a, b) => a - b);
  const medianRoundRatio = Math.round(sorted[Math.floor(sorted.length / 2)]! * 1000) / 1000;
  const figures = {
    bars: BARS,
    kernelBarsPerSecond: kernelRate,
    engineBarsPerSecond: engineRate,
    engineOverKernel: ratio,
    medianRoundRatio,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    kernelMs: Math.round(kernelBest * 10) / 10,
    engineMs: Math.round(engineBest * 10) / 10,
    fills: engineFills.length,
    sameTrades: true,
    sameEquityCurve: equityMatches,
    meetsTarget: ratio >= TARGET_RATIO,
    processMaxRssMB: megabytes(process.resourceUsage().maxRSS * 1024),
  };
  console.log(`bars                 ${BARS.toLocaleString('en-US')} (daily, SMA ${FAST}/${SLOW} crossover)`);
  console.log(`bare kernel          ${kernelRate.toLocaleString('en-US')} bars/s (best of ${ROUNDS})`);
  console.log(`full engine          ${engineRate.toLocaleString('en-US')} bars/s (best of ${ROUNDS})`);
  console.log(
    `engine / kernel      ${(ratio * 100).toFixed(1)}% best against best, ${(medianRoundRatio * 100).toFixed(1)}% median of rounds (target ≥ ${TARGET_RATIO * 100}%)`,
  );
  console.log(`load average (1 min) ${figures.loadAverage1m} on ${cpus().length} cores`);
  console.log(
    `same trades          yes (${engineFills.length} fills); same equity curve ${equityMatches ? 'yes' : 'NO'}`,
  );
  console.log(`peak RSS (process)   ${figures.processMaxRssMB} MB`);
  return figures;
}

export const engineBench: BenchModule = {
  name: 'engine',
  run() {
    // Memory first, so its baseline is not inflated by the speed runs' garbage.
    const memory = memoryBench();
    const speed = speedBench();
    return { 'engine.multi-symbol-memory': memory, 'engine.vs-kernel': speed };
  },
};
