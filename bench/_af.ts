import { Portfolio } from '../src/main/engine/portfolio';

const N = 1_000_000;
for (let r = 0; r < 5; r++) {
  const p = new Portfolio(['A'], 1e9);
  let trades = 0;
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const tr = p.applyFill(
      0,
      i % 2 === 0 ? 'buy' : 'sell',
      100,
      100 + (i % 7) * 0.37,
      0,
      1.6e12 + i * 86400000,
      i,
      'signal',
    );
    if (tr !== undefined) trades++;
  }
  console.log((((performance.now() - t) / N) * 1e6).toFixed(0), 'ns per fill', trades);
}
