// A strategy's window on its series: the current bar and the ones before it, never a later one.
import type { BarColumns, BarField } from '../../shared/domain/bars';
import type { BarView } from './strategy';

/** One instance per market, moved bar to bar by the engine (no allocation per bar). */
export class ColumnBarView implements BarView {
  index = -1;
  time = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;

  constructor(private readonly columns: BarColumns) {}

  moveTo(index: number): void {
    const c = this.columns;
    this.index = index;
    this.time = c.time[index]!;
    this.open = c.open[index]!;
    this.high = c.high[index]!;
    this.low = c.low[index]!;
    this.close = c.close[index]!;
    this.volume = c.volume[index]!;
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
