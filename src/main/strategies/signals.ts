// Shared signal vocabulary: level crossings and the fixed intents a long/short system hands back.
import type { OrderIntent } from '../engine/strategy';

/** True when `now` crossed above `level` on this bar: at or below it before, above it now. NaN never crosses. */
export function crossedAbove(before: number, now: number, level: number): boolean {
  return before <= level && now > level;
}

/** True when `now` crossed below `level` on this bar: at or above it before, below it now. NaN never crosses. */
export function crossedBelow(before: number, now: number, level: number): boolean {
  return before >= level && now < level;
}

/**
 * The last two values of a series, to spot crossings. Kept in object fields because a double held in a
 * closure's `let` is boxed anew on every store, which would allocate on every bar.
 */
export class CrossWatch {
  private previous = Number.NaN;
  private current = Number.NaN;

  update(now: number): void {
    this.previous = this.current;
    this.current = now;
  }

  crossedAbove(level: number): boolean {
    return crossedAbove(this.previous, this.current, level);
  }

  crossedBelow(level: number): boolean {
    return crossedBelow(this.previous, this.current, level);
  }

  /**
   * update(now), then 1 if it crossed above `level`, −1 if it crossed below, else 0: what update + crossedAbove +
   * crossedBelow tell, in one short method for hot loops (V8 inlines calls only up to a budget counted in bytecode).
   */
  next(now: number, level: number): number {
    const previous = this.current;
    this.previous = previous;
    this.current = now;
    if (previous <= level && now > level) return 1;
    return previous >= level && now < level ? -1 : 0;
  }
}

export function intent(
  symbol: string,
  side: OrderIntent['side'],
  purpose: OrderIntent['purpose'],
  reason: string,
): OrderIntent {
  return Object.freeze({ symbol, side, purpose, reason });
}

/**
 * The answers of a system that goes long on a bullish event and leaves (or, with shorts, reverses) on a bearish
 * one. Built once per strategy instance and frozen, so the hot loop returns the same arrays without allocating.
 */
export class LongShortIntents {
  private readonly goLong: readonly OrderIntent[];
  private readonly coverAndGoLong: readonly OrderIntent[];
  private readonly exitLong: readonly OrderIntent[];
  private readonly goShort: readonly OrderIntent[];
  private readonly exitLongAndGoShort: readonly OrderIntent[];
  private readonly allowShort: boolean;

  constructor(symbol: string, allowShort: boolean, bullishReason: string, bearishReason: string) {
    this.allowShort = allowShort;
    const buyToOpen = intent(symbol, 'buy', 'open', bullishReason);
    const buyToClose = intent(symbol, 'buy', 'close', bullishReason);
    const sellToClose = intent(symbol, 'sell', 'close', bearishReason);
    const sellToOpen = intent(symbol, 'sell', 'open', bearishReason);
    this.goLong = Object.freeze([buyToOpen]);
    this.coverAndGoLong = Object.freeze([buyToClose, buyToOpen]);
    this.exitLong = Object.freeze([sellToClose]);
    this.goShort = Object.freeze([sellToOpen]);
    this.exitLongAndGoShort = Object.freeze([sellToClose, sellToOpen]);
  }

  /** Cover a short if any, then buy to open unless already long. */
  bullish(position: number): readonly OrderIntent[] | undefined {
    if (position < 0) return this.coverAndGoLong;
    return position === 0 ? this.goLong : undefined;
  }

  /** Sell a long if any, then (shorts allowed) sell to open unless already short. */
  bearish(position: number): readonly OrderIntent[] | undefined {
    if (position > 0) return this.allowShort ? this.exitLongAndGoShort : this.exitLong;
    return this.allowShort && position === 0 ? this.goShort : undefined;
  }
}

/** The `allowShort` parameter every built-in shares, described once for the UI form. */
export const ALLOW_SHORT_DESCRIPTION =
  'Also trade the short side: the bearish signal opens a short, the bullish one covers it';
