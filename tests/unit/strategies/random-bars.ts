// A seeded random walk of plausible OHLC bars, shared by the kernel pinning tests and the cost measurement.

export interface RandomBars {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** mulberry32: tiny, seeded, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `jumpChance`: the share of bars whose close jumps ±8%, like news, so breakout rules have something to see. */
export function randomBars(length: number, seed: number, jumpChance = 0): RandomBars {
  const random = seededRandom(seed);
  const bars: RandomBars = {
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
  };
  let price = 100;
  for (let i = 0; i < length; i++) {
    const open = price * (1 + (random() - 0.5) * 0.01);
    const jump = random() < jumpChance ? (random() < 0.5 ? -0.08 : 0.08) : 0;
    const close = open * (1 + (random() - 0.5) * 0.04 + jump);
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * (1 + random() * 0.01);
    bars.low[i] = Math.min(open, close) * (1 - random() * 0.01);
    price = close;
  }
  return bars;
}
