// Ensemble: trade only when enough of several member strategies, each on its own virtual position, agree.
import { z } from 'zod';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { checkNestedStrategy, type StrategyLookup, VirtualMember } from './member';
import { intent } from './signals';

const member = z.object({
  id: z.string().min(1).describe('Member strategy id, e.g. sma-crossover'),
  params: z.record(z.string(), z.unknown()).default({}).describe("The member's own parameters"),
  weight: z.number().min(0).max(100).default(1).describe("The member's vote weight"),
});

function paramsSchema(lookup: StrategyLookup) {
  return z
    .object({
      members: z
        .array(member)
        .min(1)
        .max(20)
        .default([
          { id: 'sma-crossover', params: {}, weight: 1 },
          { id: 'rsi', params: {}, weight: 1 },
          { id: 'macd', params: {}, weight: 1 },
        ])
        .describe('The strategies that vote; each trades its own virtual position'),
      quorum: z
        .number()
        .min(0.01)
        .max(2000)
        .default(2)
        .describe('Vote weight needed to hold a side; with unit weights, k of the n members'),
      allowShort: z.boolean().default(false).describe('Also go short when the quorum of members is short'),
    })
    .superRefine((p, ctx) => {
      p.members.forEach((m, i) => {
        checkNestedStrategy(lookup, m.id, m.params, ['members', i], ctx);
      });
      const totalWeight = p.members.reduce((sum, m) => sum + m.weight, 0);
      if (p.quorum > totalWeight) {
        ctx.addIssue({
          code: 'custom',
          path: ['quorum'],
          message: `quorum (${p.quorum}) exceeds the members' total weight (${totalWeight}), so they could never agree`,
        });
      }
    });
}

type EnsembleParams = z.output<ReturnType<typeof paramsSchema>>;

class Ensemble implements Strategy {
  private readonly weights: Float64Array;
  private readonly goLong: readonly OrderIntent[];
  private readonly coverAndGoLong: readonly OrderIntent[];
  private readonly goShort: readonly OrderIntent[];
  private readonly sellAndGoShort: readonly OrderIntent[];
  private readonly exitLong: readonly OrderIntent[];
  private readonly exitShort: readonly OrderIntent[];

  constructor(
    private readonly p: EnsembleParams,
    private readonly members: readonly VirtualMember[],
    private readonly warmup: number,
    symbol: string,
  ) {
    this.weights = Float64Array.from(p.members, (m) => m.weight);
    const longReason = `members with weight ≥ ${p.quorum} are long`;
    const shortReason = `members with weight ≥ ${p.quorum} are short`;
    const flatReason = `fewer than ${p.quorum} weight of members agree`;
    const buyToOpen = intent(symbol, 'buy', 'open', longReason);
    const sellToOpen = intent(symbol, 'sell', 'open', shortReason);
    this.goLong = Object.freeze([buyToOpen]);
    this.coverAndGoLong = Object.freeze([intent(symbol, 'buy', 'close', longReason), buyToOpen]);
    this.goShort = Object.freeze([sellToOpen]);
    this.sellAndGoShort = Object.freeze([intent(symbol, 'sell', 'close', shortReason), sellToOpen]);
    this.exitLong = Object.freeze([intent(symbol, 'sell', 'close', flatReason)]);
    this.exitShort = Object.freeze([intent(symbol, 'buy', 'close', flatReason)]);
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const target = this.vote(ctx);
    // Members must see every bar, but their votes count only once all of them are warmed up.
    if (ctx.bar.index < this.warmup) return undefined;
    const position = ctx.position;
    if (target > 0) return position > 0 ? undefined : position < 0 ? this.coverAndGoLong : this.goLong;
    if (target < 0) return position < 0 ? undefined : position > 0 ? this.sellAndGoShort : this.goShort;
    if (position > 0) return this.exitLong;
    if (position < 0) return this.exitShort;
    return undefined;
  }

  /** Steps every member and returns the side the quorum holds: 1, −1 or 0. */
  private vote(ctx: StrategyContext): number {
    let longWeight = 0;
    let shortWeight = 0;
    for (let i = 0; i < this.members.length; i++) {
      const direction = this.members[i]!.step(ctx);
      if (direction > 0) longWeight += this.weights[i]!;
      else if (direction < 0) shortWeight += this.weights[i]!;
    }
    const { quorum, allowShort } = this.p;
    const longAgreed = longWeight >= quorum;
    const shortAgreed = allowShort && shortWeight >= quorum;
    if (longAgreed && (!shortAgreed || longWeight > shortWeight)) return 1;
    if (shortAgreed && (!longAgreed || shortWeight > longWeight)) return -1;
    return 0;
  }
}

/**
 * Rule, at each bar's close: every member sees the bar with its own virtual position (moved by its own intents,
 * ignored during its own warm-up). Long weight = Σ weights of members holding a long, short weight likewise.
 * Target: long if long weight ≥ quorum; else short if allowShort and short weight ≥ quorum; else flat (if both
 * sides reach the quorum, the heavier side wins and a tie is flat). Intents move the real position to the
 * target's side: cover or sell what is on the wrong side, then open on the target side if not already there.
 * Votes count from the ensemble's warm-up, the longest of its members'.
 */
export function makeEnsemble(lookup: StrategyLookup) {
  const params = paramsSchema(lookup);
  const definition: StrategyDefinition<typeof params> = {
    id: 'ensemble',
    name: 'Ensemble vote',
    description:
      'Runs several strategies side by side, each on its own virtual position, and holds a side only while members with enough vote weight hold it too.',
    params,
    warmup: (p) =>
      Math.max(...p.members.map((m) => lookup(m.id).warmup(lookup(m.id).params.parse(m.params)))),
    indicators: (p) => p.members.flatMap((m) => lookup(m.id).indicators(lookup(m.id).params.parse(m.params))),
    create(p, symbol, run) {
      const members = p.members.map((m) => new VirtualMember(lookup(m.id), m.params, symbol, run));
      return new Ensemble(p, members, definition.warmup(p), symbol);
    },
  };
  return definition;
}
