import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/engine/engine';
import { EventCollector } from '../../../src/main/engine/events';
import { sequentialIds } from '../../../src/main/engine/ids';
import { ledgerProblems, Portfolio } from '../../../src/main/engine/portfolio';
import { RiskConfigSchema } from '../../../src/main/engine/risk-gateway';
import { AccountConfigSchema, SimVenueConfigSchema, simVenue } from '../../../src/main/engine/sim-venue';
import type { OrderIntent, StrategyContext } from '../../../src/main/engine/strategy';
import type { Side, Trade } from '../../../src/shared/domain/trading';
import { seededRandom } from '../../../src/shared/random';
import { type Candle, seriesOf } from './helpers';

const SYMBOLS = ['A', 'B', 'C'];

const fillArb = fc.record({
  symbol: fc.integer({ min: 0, max: 2 }),
  side: fc.constantFrom<Side>('buy', 'sell'),
  qty: fc.integer({ min: 1, max: 100 }),
  price: fc.double({ min: 1, max: 1_000, noNaN: true }),
  fee: fc.double({ min: 0, max: 5, noNaN: true }),
  markAfter: fc.option(fc.double({ min: 1, max: 1_000, noNaN: true }), { nil: undefined }),
});

describe('ledger invariants (property)', () => {
  it('after every fill: equity = cash + Σ qty × price, positions = Σ signed fills, realized − fees + unrealized = equity − start', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 60 }), (fills) => {
        const portfolio = new Portfolio(SYMBOLS, 1_000_000);
        const signed = [0, 0, 0];
        const trades: Trade[] = [];
        fills.forEach((f, k) => {
          const trade = portfolio.applyFill(f.symbol, f.side, f.qty, f.price, f.fee, k, k, 'signal');
          if (trade !== undefined) trades.push({ ...trade });
          signed[f.symbol]! += f.side === 'buy' ? f.qty : -f.qty;
          if (f.markAfter !== undefined) portfolio.mark(f.symbol, f.markAfter);
          expect(ledgerProblems(portfolio)).toEqual([]);
          expect(Array.from(portfolio.qty)).toEqual(signed);
        });
        // Flatten everything: then the closed trades account for all realized P&L and all fees.
        SYMBOLS.forEach((_, s) => {
          const held = portfolio.qty[s]!;
          if (held === 0) return;
          const trade = portfolio.applyFill(
            s,
            held > 0 ? 'sell' : 'buy',
            Math.abs(held),
            50,
            1,
            999,
            999,
            'end_of_data',
          );
          if (trade !== undefined) trades.push({ ...trade });
        });
        const tradePnl = trades.reduce((sum, t) => sum + t.pnl, 0);
        expect(tradePnl).toBeCloseTo(portfolio.realizedNet, 6);
        expect(portfolio.cash - portfolio.startingCash).toBeCloseTo(portfolio.realizedNet, 6);
        expect(portfolio.openPositions).toBe(0);
      }),
      { numRuns: 3_000 },
    );
  });

  it('through the whole engine: random intents, brackets, partial fills and costs never break the ledger', () => {
    const candleArb = fc
      .tuple(
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 500 }),
      )
      .map(
        ([open, close, up, down, volume]): Candle => [
          open,
          Math.max(open, close) + up,
          Math.max(1, Math.min(open, close) - down),
          close,
          volume,
        ],
      );
    fc.assert(
      fc.property(
        fc.array(candleArb, { minLength: 5, maxLength: 40 }),
        fc.array(candleArb, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (candlesA, candlesB, seed) => {
          const random = seededRandom(seed);
          const intentsFor = (symbol: string) => ({
            onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
              const roll = random.next();
              if (roll < 0.2) return [{ symbol, side: 'buy', purpose: 'open', reason: 'random' }];
              if (roll < 0.3) return [{ symbol, side: 'sell', purpose: 'open', reason: 'random' }];
              if (roll < 0.4 && ctx.position !== 0) {
                return [
                  { symbol, side: ctx.position > 0 ? 'sell' : 'buy', purpose: 'close', reason: 'random' },
                ];
              }
              if (roll < 0.45) {
                return [
                  {
                    symbol,
                    side: 'buy',
                    purpose: 'open',
                    type: 'limit',
                    limitPrice: ctx.bar.close * 0.98,
                    reason: 'dip',
                  },
                ];
              }
              return undefined;
            },
          });
          const engine = new Engine(
            {
              markets: [
                { series: seriesOf('A', candlesA), strategy: intentsFor('A'), warmup: 0 },
                { series: seriesOf('B', candlesB), strategy: intentsFor('B'), warmup: 0 },
              ],
              cash: 100_000,
              risk: RiskConfigSchema.parse({
                sizing: { mode: 'fixed-qty', qty: 30 },
                maxGrossExposure: 5,
                maxDailyLoss: 1,
              }),
              ids: sequentialIds('p'),
              sink: new EventCollector(),
            },
            simVenue(
              SimVenueConfigSchema.parse({
                maxVolumeShare: 0.2,
                commissionPerShare: 0.01,
                commissionPerOrder: 1,
                slippageBps: 5,
                rejectProbability: 0.1,
              }),
              seededRandom(seed + 1),
              // Margin at 4x: the ledger's invariants are checked on long and short positions alike.
              AccountConfigSchema.parse({ type: 'margin', multiplier: 4 }),
            ),
          );
          while (engine.step()) {
            expect(ledgerProblems(engine.portfolio)).toEqual([]);
            // The venue's own book and the ledger agree on every position.
            expect(Array.from(engine.venue.position)).toEqual(Array.from(engine.portfolio.qty));
          }
          engine.finish();
          expect(ledgerProblems(engine.portfolio)).toEqual([]);
          expect(engine.portfolio.openPositions).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
