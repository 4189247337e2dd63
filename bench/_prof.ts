import { Engine } from '../src/main/engine/engine';
import { EventCollector } from '../src/main/engine/events';
import { sequentialIds } from '../src/main/engine/ids';
import { RiskConfigSchema } from '../src/main/engine/risk-gateway';
import { SimVenueConfigSchema } from '../src/main/engine/sim-venue';
import { generateSeries } from '../src/main/feeds/synthetic';
import { getStrategy } from '../src/main/strategies';
import { seededRandom } from '../src/shared/random';

const series = generateSeries('BENCH', { seed: 7, bars: 1_000_000, timeframe: '1D' });
const mode = process.argv[2] ?? 'full';
for (let r = 0; r < 10; r++) {
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
    ...(mode === 'nosink'
      ? {}
      : mode === 'noop'
        ? { sink: { record() {} } }
        : { sink: new EventCollector({ orders: 'none' }) }),
  });
  const t = performance.now();
  e.run();
  const ms = performance.now() - t;
  console.log(mode, (((1e6 / ms) * 1000) / 1e6).toFixed(2), 'M bars/s');
}
// strategy alone
const definition = getStrategy('sma-crossover');
const params = definition.params.parse({ fast: 10, slow: 30 });
for (let r = 0; r < 3; r++) {
  const s = definition.create(params, 'X');
  const ctx = {
    symbol: 'X',
    bar: { index: 0, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, ago: () => 0 },
    position: 0,
    avgPrice: 0,
    equity: 0,
    cash: 0,
  };
  const t = performance.now();
  let c = 0;
  for (let i = 0; i < series.length; i++) {
    ctx.bar.close = series.close[i]!;
    if (s.onBar(ctx) !== undefined) c++;
  }
  const ms = performance.now() - t;
  console.log('strategy alone', (((1e6 / ms) * 1000) / 1e6).toFixed(2), 'M bars/s', c);
}
