// Seeded pseudo-random numbers, so that the same seed gives the same market, the same rejections, the same report.

/** A source of uniform numbers in [0, 1). Injected wherever randomness is needed; never Math.random. */
export interface Random {
  next(): number;
}

/** mulberry32: tiny, fast, 32-bit state; good enough for simulation (not for cryptography). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A standard normal draw (Box–Muller), from two uniforms of `random`. */
export function normal(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
