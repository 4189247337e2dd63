// The run's trading day as the daily figures count it: the day's start equity (the last equity of the previous UTC
// day, as the risk gateway counts it) and the realized P&L, fees and trades since.
import type { DailyPnlRow } from '../store/session-repo';

/** The run's running totals the day's figures are differences of. */
export interface RunTotals {
  readonly realizedNet: number;
  readonly fees: number;
  readonly trades: number;
}

const utcDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

export class DayLedger {
  private day = '';
  private startEquity: number;
  private startRealized = 0;
  private startFees = 0;
  private startTrades = 0;
  /** Equity at the close of the previous bar time: the day-start equity when a new day begins. */
  private lastEquity: number;

  constructor(cash: number) {
    this.startEquity = cash;
    this.lastEquity = cash;
  }

  get dayStartEquity(): number {
    return this.startEquity;
  }

  /** The equity of the previous bar time (a bar's return is measured from it). */
  get previousEquity(): number {
    return this.lastEquity;
  }

  /** First at every bar time: a new day starts from where the previous one ended. */
  roll(time: number, totals: RunTotals): void {
    const day = utcDay(time);
    if (day === this.day) return;
    if (this.day !== '') this.startEquity = this.lastEquity;
    this.day = day;
    this.startRealized = totals.realizedNet;
    this.startFees = totals.fees;
    this.startTrades = totals.trades;
  }

  /** Last at every bar time: the day so far; `equity` becomes the previous bar's. */
  close(equity: number, totals: RunTotals): DailyPnlRow {
    this.lastEquity = equity;
    return {
      day: this.day,
      startEquity: this.startEquity,
      endEquity: equity,
      realizedPnl: totals.realizedNet - this.startRealized,
      fees: totals.fees - this.startFees,
      trades: totals.trades - this.startTrades,
    };
  }
}
