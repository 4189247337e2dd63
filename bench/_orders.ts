import { Engine } from '../src/main/engine/engine';
import { EventCollector } from '../src/main/engine/events';
import { sequentialIds } from '../src/main/engine/ids';
import { RiskConfigSchema } from '../src/main/engine/risk-gateway';
import { SimVenueConfigSchema } from '../src/main/engine/sim-venue';
import type { OrderIntent, StrategyContext } from '../src/main/engine/strategy';
import { generateSeries } from '../src/main/feeds/synthetic';
import { seededRandom } from '../src/shared/random';
const N = 1_000_000;
const series = generateSeries('BENCH', { seed: 7, bars: N, timeframe: '1D' });
const every = Number(process.argv[2] ?? 10);
const mode = process.argv[3] ?? 'collector';
const buy: readonly OrderIntent[] = [{ symbol: 'BENCH', side: 'buy', purpose: 'open', reason: 'x' }];
const sell: readonly OrderIntent[] = [{ symbol: 'BENCH', side: 'sell', purpose: 'close', reason: 'y' }];
let best = Infinity;
let orders = 0;
for (let r = 0; r < 10; r++) {
  const strategy = {
    onBar(c: StrategyContext) {
      if (c.bar.index % every !== 0) return undefined;
      return c.position === 0 ? buy : sell;
    },
  };
  const e = new Engine({
    markets: [{ series, strategy, warmup: 0 }],
    cash: 1e9,
    risk: RiskConfigSchema.parse({ sizing: { mode: 'fixed-qty', qty: 100 }, stopLoss: 0, takeProfit: 0, maxGrossExposure: 1000, maxDailyLoss: 1, maxOpenPositions: 1 }),
    venue: SimVenueConfigSchema.parse({}),
    ids: sequentialIds('b'),
    random: seededRandom(1),
    ...(mode === 'collector' ? { sink: new EventCollector({ orders: 'none' }) } : mode === 'noop' ? { sink: { orderUpdates: 'none' as const, record() {} } } : {}),
  });
  const t = performance.now();
  e.run();
  best = Math.min(best, performance.now() - t);
  orders = e.orders.created;
}
console.log(`every ${every} ${mode}: ${(N / best / 1000).toFixed(2)} M bars/s, ${orders} orders, ${((best * 1e6) / N).toFixed(1)} ns/bar`);
