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
const eq = new Float64Array(N);
const f = { time: new Float64Array(N), side: new Float64Array(N), qty: new Float64Array(N), price: new Float64Array(N), count: 0 };
const ratios: number[] = [];
let kb = Infinity;
let eb = Infinity;
for (let r = 0; r < 15; r++) {
  let c = process.cpuUsage();
  smaCrossoverKernel(series, 10, 30, 100, 1e9, eq, f);
  let u = process.cpuUsage(c);
  const k = u.user / 1000;
  kb = Math.min(kb, k);
  const definition = getStrategy('sma-crossover');
  const params = definition.params.parse({ fast: 10, slow: 30 });
  const e = new Engine({
    markets: [{ series, strategy: definition.create(params, 'BENCH'), warmup: 30 }],
    cash: 1e9,
    risk: RiskConfigSchema.parse({ sizing: { mode: 'fixed-qty', qty: 100 }, stopLoss: 0, takeProfit: 0, maxGrossExposure: 1000, maxDailyLoss: 1, maxOpenPositions: 1 }),
    venue: SimVenueConfigSchema.parse({}),
    ids: sequentialIds('b'),
    random: seededRandom(1),
    sink: new EventCollector({ orders: 'none' }),
  });
  c = process.cpuUsage();
  e.run();
  u = process.cpuUsage(c);
  const m = u.user / 1000;
  eb = Math.min(eb, m);
  ratios.push(k / m);
}
ratios.sort((a, b) => a - b);
console.log(`cpu: kernel ${(N / kb / 1000).toFixed(1)} M/s engine ${(N / eb / 1000).toFixed(2)} M/s best ${((kb / eb) * 100).toFixed(1)}% median ${(ratios[7]! * 100).toFixed(1)}%`);
