import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
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
const s = new Session();
s.connect();
const post = (m: string, p?: object) =>
  new Promise<any>((res, rej) => s.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
const runOnce = () => {
  const definition = getStrategy('sma-crossover');
  const params = definition.params.parse({ fast: 10, slow: 30 });
  const strategy = mode.startsWith('null')
    ? { onBar: () => undefined }
    : definition.create(params, series.symbol);
  const e = new Engine({
    markets: [{ series, strategy, warmup: 30 }],
    cash: mode === 'nullfrac' ? 1e9 + 0.5 : 1e9,
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
  e.run();
};
runOnce();
runOnce();
(async () => {
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  runOnce();
  const { profile } = await post('HeapProfiler.stopSampling');
  writeFileSync('/tmp/mb/alloc.heapprofile', JSON.stringify(profile));
})();
