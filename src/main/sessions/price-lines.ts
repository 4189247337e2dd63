// The trader's price lines on a session's chart and their crossing alerts. The book keeps every session's lines in
// memory (read from SQLite once per session, written through on each change), so a run checks its lines on every
// bar without a query; the watch is the run's side: it remembers each symbol's previous close and reports the
// lines a live bar's close crossed (the rule is in shared/domain/chart-tools.ts, PriceLine).
import type { PriceLine } from '../../shared/domain/chart-tools';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { PriceLineRepo } from '../store/price-line-repo';

export type Crossing = 'up' | 'down';

/** Whether closes `previousClose` then `close` crossed a line at `price`: from below to at-or-above, or back. */
export function closeCrossing(price: number, previousClose: number, close: number): Crossing | null {
  if (previousClose < price && close >= price) return 'up';
  if (previousClose > price && close <= price) return 'down';
  return null;
}

export interface PriceLineBook {
  list(sessionId: string): readonly PriceLine[];
  add(line: { sessionId: string; symbol: string; price: number; alert: boolean }): PriceLine;
  update(line: PriceLine, change: { price?: number; alert?: boolean }): PriceLine;
  remove(line: PriceLine): void;
  /** Records that `line`'s alert fired at the bar of `barTime`. */
  crossed(line: PriceLine, barTime: number): void;
}

export function createPriceLineBook(repo: PriceLineRepo, now: () => number): PriceLineBook {
  const bySession = new Map<string, PriceLine[]>();
  const lines = (sessionId: string): PriceLine[] => {
    const known = bySession.get(sessionId);
    if (known) return known;
    const list = repo.list(sessionId);
    bySession.set(sessionId, list);
    return list;
  };
  const replace = (line: PriceLine, next: PriceLine | undefined): void => {
    const list = lines(line.sessionId);
    const at = list.findIndex((l) => l.id === line.id);
    if (at < 0) return;
    if (next) list[at] = next;
    else list.splice(at, 1);
  };
  return {
    list: lines,
    add(line) {
      // Read the stored ones first: once the new row is in, a first read would list it already.
      const list = lines(line.sessionId);
      const added = repo.add(line, now());
      list.push(added);
      return added;
    },
    update(line, change) {
      const next = repo.update(line.id, change, now()) ?? line;
      replace(line, next);
      return next;
    },
    remove(line) {
      repo.remove(line.id);
      replace(line, undefined);
    },
    crossed(line, barTime) {
      repo.crossed(line.id, barTime);
      replace(line, { ...line, lastCrossedAt: barTime });
    },
  };
}

/** One crossing to alert: the line, which way, and the alert's words. */
export interface LineCrossing {
  readonly line: PriceLine;
  readonly direction: Crossing;
  readonly message: string;
}

const price = (x: number): string => x.toFixed(x >= 1 ? 2 : 4);

/** A run's side: each symbol's previous close, and the alerting lines a live bar's close crossed. */
export class PriceLineWatch {
  private readonly previousClose = new Map<string, number>();

  constructor(
    private readonly sessionId: string,
    private readonly book: PriceLineBook,
  ) {}

  /**
   * Feeds a bar (history, replayed and live bars alike, so the previous close is always the bar before); only a
   * live bar reports crossings, so a restart's replay or a warm-up never alerts again for what is past.
   */
  observe(bar: SymbolBar, live: boolean): LineCrossing[] {
    const previous = this.previousClose.get(bar.symbol);
    this.previousClose.set(bar.symbol, bar.close);
    if (!live || previous === undefined) return [];
    const crossings: LineCrossing[] = [];
    for (const line of this.book.list(this.sessionId)) {
      if (!line.alert || line.symbol !== bar.symbol) continue;
      const direction = closeCrossing(line.price, previous, bar.close);
      if (direction === null) continue;
      const message =
        `${bar.symbol} crossed ${direction === 'up' ? 'above' : 'below'} your line at ${price(line.price)}: ` +
        `closed at ${price(bar.close)}, the bar before at ${price(previous)}`;
      crossings.push({ line, direction, message });
    }
    return crossings;
  }
}
