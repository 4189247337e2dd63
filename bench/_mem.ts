import { generateMarket } from '../src/main/feeds/synthetic';
import { runBacktest } from '../src/main/research/backtest';

const mb = (b: number) => (b / 1048576).toFixed(0);
const show = (label: string) => {
  const m = process.memoryUsage();
  console.log(
    label,
    'rss',
    mb(m.rss),
    'heapUsed',
    mb(m.heapUsed),
    'heapTotal',
    mb(m.heapTotal),
    'ab',
    mb(m.arrayBuffers),
    'ext',
    mb(m.external),
  );
};
show('start');
const symbols = Array.from({ length: 10 }, (_, k) => `SYM${k}`);
const market = generateMarket({ seed: 11, bars: 1_000_000, timeframe: '1D', symbols });
show('generated');
let peak = 0;
const r = runBacktest(
  {
    strategy: { id: 'sma-crossover', params: { fast: 10, slow: 30 } },
    risk: { maxOpenPositions: 10, maxDailyLoss: 1 },
  },
  market,
  {
    progress: {
      every: 100000,
      report: (d) => {
        const m = process.memoryUsage();
        if (m.rss > peak) peak = m.rss;
        if (d % 300000 === 0) show('at ' + d);
      },
    },
  },
);
show('done');
console.log('peak', mb(peak), r.trades.length, r.fills.length, r.orders.length);
