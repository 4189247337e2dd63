// Options benchmarks (issue #15): the Phase 4D backtest over two years of 5-minute SPY bars (the synthetic market on
// the NYSE calendar, σ from its realised volatility), the whole of `runOptionsBacktest` as the CLI runs it.
//   options.backtest — bars per second and milliseconds per trading day, best of RUNS after a warm-up. Check: every
//                      run gives the same trades, to the cent (the backtest is deterministic).
//   options.pricing  — what one quote costs: American puts on the synthetic source's 50-step tree, and the
//                      Black–Scholes price beside it, quotes per second; with the backtest's quote count this says
//                      how much of the backtest is option pricing.
import { loadavg } from 'node:os';
import { americanPrice, blackScholes } from '../src/main/engine/option-pricing';
import { realisedVix } from '../src/main/feeds/realised-vix';
import { generateSeries } from '../src/main/feeds/synthetic';
import { isTradingDay } from '../src/main/market/calendar';
import { runOptionsBacktest } from '../src/main/research/options-backtest';
import type { BarSeries } from '../src/shared/domain/bars';
import { BenchCheckFailed, type BenchFigures, type BenchModule } from './registry';

const SESSIONS = 504;
const BARS_PER_SESSION = 78;
const RUNS = 3;
const QUOTES = 20_000;

const round = (value: number, places = 3): number => Number(value.toFixed(places));

function spy(): BarSeries {
  return generateSeries('SPY', {
    seed: 15,
    bars: SESSIONS * BARS_PER_SESSION,
    timeframe: '5m',
    start: Date.UTC(2023, 0, 3),
    tradingDay: (day) => isTradingDay('us-equities', day),
    // Calm enough that most days pass the range filters, as SPY's do: the bench times trading, not skipping.
    marketVolatility: 0.08,
    profiles: {
      SPY: {
        startPrice: 450,
        beta: 1,
        volatility: 0.04,
        drift: 0.04,
        volume: 7e7,
        jumpsPerYear: 0,
        jumpSize: 0,
      },
    },
  });
}

function pricing(): BenchFigures {
  const inputs = Array.from({ length: QUOTES }, (_, k) => ({
    right: 'put' as const,
    spot: 500 + (k % 40) * 0.25,
    strike: 505,
    years: (30 + (k % 360)) / (365 * 24 * 60),
    volatility: 0.12 + (k % 20) * 0.01,
    rate: 0.045,
  }));
  let sink = 0;
  let start = performance.now();
  for (const input of inputs) sink += americanPrice(input, 50);
  const americanMs = performance.now() - start;
  start = performance.now();
  for (const input of inputs) sink += blackScholes(input).price;
  const blackScholesMs = performance.now() - start;
  if (!Number.isFinite(sink)) throw new BenchCheckFailed('option prices came out non-finite');
  const american = round(QUOTES / (americanMs / 1000), 0);
  const bs = round(QUOTES / (blackScholesMs / 1000), 0);
  console.log(`pricing   American put (50 steps) ${american.toLocaleString()} quotes/s`);
  console.log(`          Black–Scholes            ${bs.toLocaleString()} quotes/s`);
  return { americanQuotesPerSecond: american, blackScholesQuotesPerSecond: bs };
}

export const optionsBench: BenchModule = {
  name: 'options',
  run() {
    const series = spy();
    const volatility = realisedVix(series);
    const run = () =>
      runOptionsBacktest({ underlying: series, preset: '2k', params: {}, volatility, cash: 2_000 });
    const reference = run();
    const fingerprint = (trades: typeof reference.trades) =>
      trades.map((t) => `${t.symbol}|${t.entryTime}|${t.exitTime}|${t.pnl.toFixed(2)}`).join('\n');
    const expected = fingerprint(reference.trades);
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < RUNS; k++) {
      const start = performance.now();
      const result = run();
      best = Math.min(best, performance.now() - start);
      if (fingerprint(result.trades) !== expected)
        throw new BenchCheckFailed(
          `run ${k + 1} gave other trades than the first: the backtest is not deterministic`,
        );
    }
    const report = reference.report;
    const barsPerSecond = round(series.length / (best / 1000), 0);
    const msPerDay = round(best / report.tradingDays, 3);
    console.log(
      `backtest  ${series.length.toLocaleString()} bars (${SESSIONS} sessions of 5m SPY), ${report.trades} trades, ` +
        `${report.tradingDays} trading days: best ${round(best, 1)} ms of ${RUNS} ` +
        `skipped ${JSON.stringify(report.skippedByReason)} (${barsPerSecond.toLocaleString()} bars/s, ${msPerDay} ms a trading day), load ${round(loadavg()[0]!, 2)}`,
    );
    return {
      'options.backtest': {
        bars: series.length,
        trades: report.trades,
        tradingDays: report.tradingDays,
        bestMs: round(best, 1),
        barsPerSecond,
        msPerTradingDay: msPerDay,
        load: round(loadavg()[0]!, 2),
      },
      'options.pricing': pricing(),
    };
  },
};
