// A stand-in VIX for simulator sessions without a VIX file: each session's close-to-close realised volatility of the
// underlying over the previous 20 sessions, annualised and × 100 (VIX points), labelled as what it is. It reads the
// underlying's bars as they are when asked, so a live series that grows during a run gains a day at each close.
import type { BarSeries } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import { calendarDay, type MarketCalendar, sessionOnDay } from '../market/calendar';
import type { VolatilityHistory } from './vix-history';

/** Trading sessions in a year, to annualise a daily standard deviation. */
const SESSIONS_PER_YEAR = 252;

export interface RealisedVixOptions {
  /** Returns in each session's window (20). */
  readonly sessions?: number;
  readonly calendar?: MarketCalendar;
}

/**
 * A VolatilityHistory over the underlying's bars (or, as a function, the series a live run holds now): for each
 * session with `sessions` log returns up to its close, their sample standard deviation × √252 × 100; the first
 * `sessions` sessions have none. Recomputed when the bars have grown since the last look, counting only sessions
 * whose last bar has closed (or that a later session follows).
 */
export function realisedVix(
  bars: BarSeries | (() => BarSeries),
  options: RealisedVixOptions = {},
): VolatilityHistory {
  const current = typeof bars === 'function' ? bars : () => bars;
  return new RealisedVix(current, options.sessions ?? 20, options.calendar ?? 'us-equities');
}

class RealisedVix implements VolatilityHistory {
  readonly source: string;
  private seenLength = -1;
  private seenLastTime = Number.NaN;
  private dayList = new Int32Array(0);
  private closeList = new Float64Array(0);

  constructor(
    private readonly bars: () => BarSeries,
    private readonly sessions: number,
    private readonly calendar: MarketCalendar,
  ) {
    if (!Number.isInteger(sessions) || sessions < 2)
      throw new Error(`realised volatility needs a window of 2 or more sessions (got ${sessions})`);
    this.source = `synthetic VIX (realised volatility of ${bars().symbol})`;
  }

  get days(): Int32Array {
    this.refresh();
    return this.dayList;
  }

  get closes(): Float64Array {
    this.refresh();
    return this.closeList;
  }

  private refresh(): void {
    const bars = this.bars();
    const length = bars.length;
    const lastTime = length > 0 ? (bars.time[length - 1] as number) : Number.NaN;
    if (length === this.seenLength && Object.is(lastTime, this.seenLastTime)) return;
    this.seenLength = length;
    this.seenLastTime = lastTime;
    const { days, closes } = sessionCloses(bars, this.calendar);
    const outDays: number[] = [];
    const outCloses: number[] = [];
    const n = this.sessions;
    for (let i = n; i < days.length; i++) {
      let sum = 0;
      let sumSquares = 0;
      for (let j = i - n + 1; j <= i; j++) {
        const r = Math.log((closes[j] as number) / (closes[j - 1] as number));
        sum += r;
        sumSquares += r * r;
      }
      // Sample standard deviation of the window's log returns.
      const variance = Math.max((sumSquares - (sum * sum) / n) / (n - 1), 0);
      outDays.push(days[i] as number);
      outCloses.push(Math.sqrt(variance * SESSIONS_PER_YEAR) * 100);
    }
    this.dayList = Int32Array.from(outDays);
    this.closeList = Float64Array.from(outCloses);
  }
}

/** Each complete session's closing price (its last regular-hours bar's close), in day order. */
export function sessionCloses(
  bars: BarSeries,
  calendar: MarketCalendar = 'us-equities',
): { days: number[]; closes: number[] } {
  const barMs = TIMEFRAME_MS[bars.timeframe];
  const daily = barMs >= 86_400_000;
  const days: number[] = [];
  const closes: number[] = [];
  let day = Number.NaN;
  let sessionClose = Number.NaN;
  let sessionOpen = Number.NaN;
  let lastClose = Number.NaN;
  let lastEnd = Number.NaN;
  const flush = (): void => {
    // A session counts once its last bar has closed (or a later session has begun).
    if (!Number.isNaN(lastClose)) {
      days.push(day);
      closes.push(lastClose);
    }
  };
  for (let i = 0; i < bars.length; i++) {
    const time = bars.time[i] as number;
    // A daily bar's time is 00:00 UTC of its New York date (aggregate.ts); an intraday bar's date is New York's.
    const barDay = daily ? Math.floor(time / 86_400_000) : calendarDay(calendar, time);
    if (barDay !== day) {
      flush();
      day = barDay;
      lastClose = Number.NaN;
      lastEnd = Number.NaN;
      const session = sessionOnDay(calendar, barDay);
      sessionOpen = session?.open ?? Number.NaN;
      sessionClose = session?.close ?? Number.NaN;
    }
    // Daily bars are the session; intraday bars count inside regular hours only.
    if (Number.isNaN(sessionOpen)) continue;
    if (!daily && (time < sessionOpen || time >= sessionClose)) continue;
    lastClose = bars.close[i] as number;
    lastEnd = time + barMs;
  }
  if (!Number.isNaN(lastClose) && (daily || lastEnd >= sessionClose)) flush();
  return { days, closes };
}
