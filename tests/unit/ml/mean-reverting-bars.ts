// Test bars with a known, learnable signal for training tests.
import type { BarSeries } from '../../../src/shared/domain/bars';
import { normal, seededRandom } from '../../../src/shared/random';

/** 1m bars whose 1-bar log return is −0.6 × the previous one plus noise: the last return predicts the next sign. */
export function meanRevertingBars(length: number, seed: number): BarSeries {
  const random = seededRandom(seed);
  const time = new Float64Array(length);
  const open = new Float64Array(length);
  const high = new Float64Array(length);
  const low = new Float64Array(length);
  const close = new Float64Array(length);
  const volume = new Float64Array(length);
  let price = 100;
  let last = 0;
  for (let i = 0; i < length; i++) {
    const r = -0.6 * last + 0.002 * normal(random);
    last = r;
    const next = price * Math.exp(r);
    time[i] = Date.UTC(2024, 0, 2) + i * 60_000;
    open[i] = price;
    close[i] = next;
    high[i] = Math.max(price, next) * (1 + 0.0005 * random.next());
    low[i] = Math.min(price, next) * (1 - 0.0005 * random.next());
    volume[i] = 1000 + Math.floor(1000 * random.next());
    price = next;
  }
  return { symbol: 'MR', timeframe: '1m', time, open, high, low, close, volume, length };
}
