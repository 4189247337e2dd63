import { Engine } from '../src/main/engine/engine';
import { EventCollector } from '../src/main/engine/events';
import { sequentialIds } from '../src/main/engine/ids';
import { RiskConfigSchema } from '../src/main/engine/risk-gateway';
import { SimVenueConfigSchema } from '../src/main/engine/sim-venue';
import { generateSeries } from '../src/main/feeds/synthetic';
import { getStrategy } from '../src/main/strategies';
import { seededRandom } from '../src/shared/random';
import { smaCrossoverKernel } from './engine';

const N = 1_000_000;
const series = generateSeries('BENCH', { seed: 7, bars: N, timeframe: '1D' });
const mode = process.argv[2] ?? 'full';
const eq = new Float64Array(N);
const f = {
  time: new Float64Array(N),
  side: new Float64Array(N),
  qty: new Float64Array(N),
  price: new Float64Array(N),
  count: 0,
};
let kb = Infinity,
  eb = Infinity;
for (let r = 0; r < 12; r++) {
  let t = performance.now();
  smaCrossoverKernel(series, 10, 30, 100, 1e9, eq, f);
  kb = Math.min(kb, performance.now() - t);
  const definition = getStrategy('sma-crossover');
  const params = definition.params.parse({ fast: 10, slow: 30 });
  const real = definition.create(params, series.symbol);
  const strategy =
    mode === 'null'
      ? { onBar: () => undefined }
      : mode === 'quiet'
        ? {
            onBar: (c: any) => {
              real.onBar(c);
              return undefined;
            },
          }
        : real;
  const e = new Engine({
    markets: [{ series, strategy, warmup: 30 }],
    cash: 1e9,
    risk: RiskConfigSchema.parse({
      sizing: { mode: 'fixed-qty', qty: 100 },
      stopLoss: 0,
      takeProfit: 0,
      maxGrossExposure: 1000,
      maxDailyLoss: 1,
      maxOpenPositions: 1,
    }),
    venue: SimVenueConfigSchema.parse({}),
    ids: sequentialIds('b'),
    random: seededRandom(1),
    sink: new EventCollector({ orders: 'none' }),
  });
  t = performance.now();
  e.run();
  eb = Math.min(eb, performance.now() - t);
}
console.log(
  mode,
  'kernel',
  (N / kb / 1000).toFixed(1),
  'M/s engine',
  (N / eb / 1000).toFixed(2),
  'M/s ratio',
  ((kb / eb) * 100).toFixed(1) + '%',
);
{
  const definition = getStrategy('sma-crossover');
  const params = definition.params.parse({ fast: 10, slow: 30 });
  let best = Infinity;
  for (let r = 0; r < 12; r++) {
    const s = definition.create(params, 'X');
    const bar = { index: 0, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, ago: () => 0 };
    const ctx = { symbol: 'X', bar, position: 0, avgPrice: 0, equity: 0, cash: 0 };
    const close = series.close;
    const t = performance.now();
    for (let i = 0; i < N; i++) {
      bar.close = close[i]!;
      const x = s.onBar(ctx);
      if (x !== undefined) ctx.position = x[0]!.side === 'buy' ? 100 : 0;
    }
    best = Math.min(best, performance.now() - t);
  }
  console.log('strategy alone', (N / best / 1000).toFixed(1), 'M/s');
}
