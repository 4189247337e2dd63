// Per-update cost of trading-signals' indicators versus our kernels, and each built-in's onBar cost with the
// number of minor GCs it caused (0 means the loop did not allocate); a measurement, not a test.
// Run: npx tsx tests/unit/engine/indicator-costs.ts
import { PerformanceObserver } from 'node:perf_hooks';
import { ADX, ATR, BollingerBands, EMA, MACD, RSI, SMA, WSMA } from 'trading-signals';
import {
  AverageTrueRange,
  DirectionalIndex,
  ExponentialMean,
  type HighLowClose,
  MovingAverageConvergence,
  RelativeStrength,
  RollingDeviation,
  RollingMean,
  WilderMean,
} from '../../../src/main/engine/indicators';
import type { BarView, StrategyContext } from '../../../src/main/engine/strategy';
import { getStrategy, STRATEGIES } from '../../../src/main/strategies';
import type { BarField } from '../../../src/shared/domain/bars';
import { randomBars } from '../strategies/random-bars';

const BARS = 1_000_000;
const bars = randomBars(BARS, 7);
let sink = 0;

function nsPerUpdate(run: () => void): number {
  run(); // warm-up pass so the JIT has compiled the loop
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / BARS);
  }
  return best;
}

function closes(make: () => { add(x: number): unknown }): () => void {
  return () => {
    const indicator = make();
    for (let i = 0; i < BARS; i++) if (indicator.add(bars.close[i]!) !== null) sink++;
  };
}

function candles(make: () => { add(c: { high: number; low: number; close: number }): unknown }): () => void {
  return () => {
    const indicator = make();
    // trading-signals keeps the previous candle object, so each bar needs a fresh one.
    for (let i = 0; i < BARS; i++) {
      if (indicator.add({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! }) !== null) sink++;
    }
  };
}

function kernelCloses(make: () => { update(x: number): number }): () => void {
  return () => {
    const kernel = make();
    // A local total: adding to a module-level `let` would box a double on every bar and skew the timing.
    let total = 0;
    for (let i = 0; i < BARS; i++) total += kernel.update(bars.close[i]!);
    if (total === 42) sink++;
  };
}

function kernelCandles(make: () => { update(bar: HighLowClose): void; value: number }): () => void {
  return () => {
    const kernel = make();
    // One reused bar, as the engine's BarView is.
    const bar = { high: 0, low: 0, close: 0 };
    let total = 0;
    for (let i = 0; i < BARS; i++) {
      bar.high = bars.high[i]!;
      bar.low = bars.low[i]!;
      bar.close = bars.close[i]!;
      kernel.update(bar);
      total += kernel.value;
    }
    if (total === 42) sink++;
  };
}

const rows: [string, () => void, () => void][] = [
  ['SMA(20)', closes(() => new SMA(20)), kernelCloses(() => new RollingMean(20))],
  ['SMA(200)', closes(() => new SMA(200)), kernelCloses(() => new RollingMean(200))],
  ['EMA(20)', closes(() => new EMA(20)), kernelCloses(() => new ExponentialMean(20))],
  ['WSMA(14)', closes(() => new WSMA(14)), kernelCloses(() => new WilderMean(14))],
  ['RSI(14)', closes(() => new RSI(14)), kernelCloses(() => new RelativeStrength(14))],
  [
    'MACD(12,26,9)',
    closes(() => new MACD(new EMA(12), new EMA(26), new EMA(9))),
    kernelCloses(() => new MovingAverageConvergence(12, 26, 9)),
  ],
  ['Bollinger(20)', closes(() => new BollingerBands(20, 1.5)), kernelCloses(() => new RollingDeviation(20))],
  ['ATR(14)', candles(() => new ATR(14)), kernelCandles(() => new AverageTrueRange(14))],
  ['ADX(14)', candles(() => new ADX(14)), kernelCandles(() => new DirectionalIndex(14))],
];

console.log(`ns per update over ${BARS.toLocaleString('en')} bars (best of 3), Node ${process.version}`);
console.log('indicator        trading-signals   kernel   ratio');
for (const [name, library, kernel] of rows) {
  const a = nsPerUpdate(library);
  const b = nsPerUpdate(kernel);
  console.log(
    `${name.padEnd(16)} ${a.toFixed(1).padStart(15)} ${b.toFixed(1).padStart(8)} ${(a / b).toFixed(1).padStart(7)}x`,
  );
}

// Strategies over the same bars through a reused context, the position following their intents at once.
const jumpy = randomBars(BARS, 11, 0.02);
class ColumnBarView implements BarView {
  index = 0;
  time = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  ago(field: BarField, back: number): number {
    return field === 'time' || field === 'volume' ? 0 : jumpy[field][this.index - back]!;
  }
}
let minorGcs = 0;
new PerformanceObserver((list) => {
  minorGcs += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

/** Runs one fresh instance of the strategy over every bar; returns the number of intents. */
function runOnce(id: string): number {
  const definition = getStrategy(id);
  const strategy = definition.create(definition.params.parse({}), 'X');
  const bar = new ColumnBarView();
  const ctx: StrategyContext & { position: number } = {
    symbol: 'X',
    bar,
    position: 0,
    avgPrice: 0,
    equity: 0,
    cash: 0,
  };
  let intentCount = 0;
  for (let i = 0; i < BARS; i++) {
    bar.index = i;
    bar.open = jumpy.open[i]!;
    bar.high = jumpy.high[i]!;
    bar.low = jumpy.low[i]!;
    bar.close = jumpy.close[i]!;
    const intents = strategy.onBar(ctx);
    if (intents === undefined) continue;
    for (const it of intents) {
      intentCount++;
      if (it.purpose === 'close') ctx.position = 0;
      else ctx.position += it.side === 'buy' ? 1 : -1;
    }
  }
  return intentCount;
}

async function measureStrategies(): Promise<void> {
  // Yielding lets the GC observer deliver its entries before each count is read.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  console.log(`\nstrategy onBar over ${BARS.toLocaleString('en')} bars with 2% jump bars (defaults)`);
  console.log('strategy                   ns/bar   intents   GCs in one warm run');
  for (const s of STRATEGIES) {
    let intents = 0;
    const ns = nsPerUpdate(() => {
      intents = runOnce(s.id);
    });
    await settle();
    const before = minorGcs;
    runOnce(s.id);
    await settle();
    const gcs = minorGcs - before;
    console.log(
      `${s.id.padEnd(24)} ${ns.toFixed(1).padStart(8)} ${String(intents).padStart(9)} ${String(gcs).padStart(8)}`,
    );
  }
  if (sink === 42) console.log('');
}

void measureStrategies();
