import { Engine } from '../src/main/engine/engine';
import { EventCollector } from '../src/main/engine/events';
import { sequentialIds } from '../src/main/engine/ids';
import { RiskConfigSchema } from '../src/main/engine/risk-gateway';
import { SimVenueConfigSchema } from '../src/main/engine/sim-venue';
import { generateSeries } from '../src/main/feeds/synthetic';
import { getStrategy } from '../src/main/strategies';
import { seededRandom } from '../src/shared/random';
const N = 1_000_000;
const series = generateSeries('BENCH', { seed: 7, bars: N, timeframe: '1D' });
const rounds = Number(process.argv[2] ?? 0);
for (let r = 0; r < rounds; r++) {
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
  e.run();
}
