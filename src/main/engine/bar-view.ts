// A strategy's window on its series: the current bar and the ones before it, never a later one.
import type { BarColumns, BarField } from '../../shared/domain/bars';
import type { BarView } from './strategy';

/**
 * One instance per market, moved bar to bar by the engine (no allocation per bar). Moving only sets the index;
 * the fields are read from the columns when asked for: a strategy reads one or two of the six per bar, and
 * copying all six on every move cost more than those reads, and took inlining budget from the engine's loop.
 */
export class ColumnBarView implements BarView {
  index = -1;

  constructor(private readonly columns: BarColumns) {}

  moveTo(index: number): void {
    this.index = index;
  }

  get time(): number {
    return this.columns.time[this.index]!;
  }

  get open(): number {
    return this.columns.open[this.index]!;
  }

  get high(): number {
    return this.columns.high[this.index]!;
  }

  get low(): number {
    return this.columns.low[this.index]!;
  }

  get close(): number {
    return this.columns.close[this.index]!;
  }

  get volume(): number {
    return this.columns.volume[this.index]!;
  }

  ago(field: BarField, back: number): number {
    const at = this.index - back;
    if (!(back >= 0) || at < 0 || !Number.isInteger(back)) {
      throw new RangeError(
        `ago('${field}', ${back}) at bar ${this.index}: only bars 0..${this.index} back exist`,
      );
    }
    return this.columns[field][at]!;
  }
}

/**
 * The close of the last bar that has closed by `time` (its start + `barMs` ≤ time): the price an order decided or
 * filled at `time` saw. Undefined before the first bar closes. A binary search: bars are in time order.
 */
export function closeAt(
  bars: BarColumns & { readonly length: number },
  barMs: number,
  time: number,
): number | undefined {
  let lo = 0;
  let hi = bars.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((bars.time[mid] as number) + barMs <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? undefined : bars.close[found];
}
