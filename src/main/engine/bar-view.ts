// A strategy's window on its series: the current bar and the ones before it, never a later one.
import type { BarColumns, BarField } from '../../shared/domain/bars';
import type { BarView } from './strategy';

/**
 * One instance per market, moved bar to bar by the engine. Moving sets the index only; the fields are read
 * from the columns on demand, so a bar costs one store whatever the strategy reads.
 */
export class ColumnBarView implements BarView {
  index = -1;
  private readonly times: Float64Array;
  private readonly opens: Float64Array;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly closes: Float64Array;
  private readonly volumes: Float64Array;

  constructor(private readonly columns: BarColumns) {
    this.times = columns.time;
    this.opens = columns.open;
    this.highs = columns.high;
    this.lows = columns.low;
    this.closes = columns.close;
    this.volumes = columns.volume;
  }

  get time(): number {
    return this.times[this.index]!;
  }

  get open(): number {
    return this.opens[this.index]!;
  }

  get high(): number {
    return this.highs[this.index]!;
  }

  get low(): number {
    return this.lows[this.index]!;
  }

  get close(): number {
    return this.closes[this.index]!;
  }

  get volume(): number {
    return this.volumes[this.index]!;
  }

  moveTo(index: number): void {
    this.index = index;
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
