// When bars of a timeframe close within a calendar's sessions, and a timer that fires at each close, so that
// strategies run on bar close and never while the market is closed.
//
// Buckets are the ones src/main/feeds/aggregate.ts builds: equities intraday buckets start at the 09:30 open (1h:
// 09:30, 10:30, …, 15:30–16:00), a 1D bar is the whole session; crypto buckets are UTC-aligned. Unlike the aggregator
// this module knows holidays and early closes: nothing closes on a holiday, and on a 13:00 early close the last 1h
// bucket is 12:30–13:00 and the 1D bar closes at 13:00. (The aggregator does not know early closes, so its 12:30
// bucket only completes with flush() or a later bar: flush it at the bar close this module reports as lastOfSession.)
import { TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import { currentOrNextSession, type MarketCalendar, type TradingSession } from '../market/calendar';
import { DAY_MS } from '../market/new-york-time';

/** One bar of a timeframe within a session. */
export interface BarSlot {
  /** Start of the bucket. */
  readonly start: number;
  /** When the bar closes: the bucket's end, cut at the session close. */
  readonly close: number;
  /** The time the aggregated bar is stamped with (the start; for equities 1D bars, 00:00 UTC of the New York date). */
  readonly barTime: number;
  /** The last bar of its session (equities only: crypto sessions never end). */
  readonly lastOfSession: boolean;
}

/** The clock a timer runs on: the wall clock in the app, a fake one in tests. */
export interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The equities bar of `session` whose bucket contains `timeMs` (which must be inside the session). */
function equitiesSlot(session: TradingSession, timeframe: Timeframe, timeMs: number): BarSlot {
  if (timeframe === '1D') {
    return { start: session.open, close: session.close, barTime: session.day * DAY_MS, lastOfSession: true };
  }
  // No DST change happens during a session, so buckets can be counted in UTC milliseconds from the open.
  const step = TIMEFRAME_MS[timeframe];
  const start = session.open + Math.floor((timeMs - session.open) / step) * step;
  const close = Math.min(start + step, session.close);
  return { start, close, barTime: start, lastOfSession: close === session.close };
}

function cryptoSlot(timeframe: Timeframe, timeMs: number): BarSlot {
  const step = TIMEFRAME_MS[timeframe];
  const start = Math.floor(timeMs / step) * step;
  return { start, close: start + step, barTime: start, lastOfSession: false };
}

/** The bar whose bucket contains `timeMs`, or null when the market is closed then. */
export function barSlotAt(calendar: MarketCalendar, timeframe: Timeframe, timeMs: number): BarSlot | null {
  if (calendar === 'crypto') return cryptoSlot(timeframe, timeMs);
  const session = currentOrNextSession(calendar, timeMs);
  return timeMs >= session.open ? equitiesSlot(session, timeframe, timeMs) : null;
}

/** The first bar that closes after `timeMs` (strictly: at a close, the following bar). */
export function nextBarSlot(calendar: MarketCalendar, timeframe: Timeframe, timeMs: number): BarSlot {
  if (calendar === 'crypto') return cryptoSlot(timeframe, timeMs);
  const session = currentOrNextSession(calendar, timeMs);
  return equitiesSlot(session, timeframe, Math.max(timeMs, session.open));
}

/** When the next bar of `timeframe` closes after `timeMs`. */
export function nextBarClose(calendar: MarketCalendar, timeframe: Timeframe, timeMs: number): number {
  return nextBarSlot(calendar, timeframe, timeMs).close;
}

/** Every bar closing in (fromMs, toMs], in order. */
export function barSlotsClosingBetween(
  calendar: MarketCalendar,
  timeframe: Timeframe,
  fromMs: number,
  toMs: number,
): BarSlot[] {
  const slots: BarSlot[] = [];
  for (let slot = nextBarSlot(calendar, timeframe, fromMs); slot.close <= toMs; ) {
    slots.push(slot);
    slot = nextBarSlot(calendar, timeframe, slot.close);
  }
  return slots;
}

/** The calendar and timeframe a session runs on, bound together. */
export interface BarSchedule {
  readonly calendar: MarketCalendar;
  readonly timeframe: Timeframe;
  barAt(timeMs: number): BarSlot | null;
  nextBar(timeMs: number): BarSlot;
  nextBarClose(timeMs: number): number;
  barsClosingBetween(fromMs: number, toMs: number): BarSlot[];
}

export function barSchedule(calendar: MarketCalendar, timeframe: Timeframe): BarSchedule {
  return {
    calendar,
    timeframe,
    barAt: (timeMs) => barSlotAt(calendar, timeframe, timeMs),
    nextBar: (timeMs) => nextBarSlot(calendar, timeframe, timeMs),
    nextBarClose: (timeMs) => nextBarClose(calendar, timeframe, timeMs),
    barsClosingBetween: (fromMs, toMs) => barSlotsClosingBetween(calendar, timeframe, fromMs, toMs),
  };
}

export interface BarCloseEvent extends BarSlot {
  readonly timeframe: Timeframe;
  /** When the timer actually fired (≥ close; later after a sleep or a busy event loop). */
  readonly firedAt: number;
  /**
   * Earlier closes the timer slept through (the machine was asleep): they are not replayed one by one; this event
   * is for the latest close, and the caller catches up from the feed's bars.
   */
  readonly missed: number;
}

export interface BarCloseTimerOptions {
  readonly calendar: MarketCalendar;
  readonly timeframe: Timeframe;
  readonly clock?: TimerClock;
  /** Called once per bar close; an exception propagates to the clock's timer callback after the next close is armed. */
  readonly onBarClose: (event: BarCloseEvent) => void;
}

export interface BarCloseTimer {
  /** The close the timer waits for; null once stopped. */
  readonly nextClose: number | null;
  /** Cancels the pending timer; idempotent, and safe inside onBarClose. */
  stop(): void;
}

/** setTimeout's longest delay (2^31 − 1 ms); longer waits are re-armed in steps. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Fires `onBarClose` at every bar close of `timeframe`, and never while the market is closed. */
export function createBarCloseTimer(options: BarCloseTimerOptions): BarCloseTimer {
  const { calendar, timeframe, onBarClose } = options;
  const clock = options.clock ?? systemClock;
  let target: BarSlot | null = nextBarSlot(calendar, timeframe, clock.now());
  let handle: unknown;

  const arm = () => {
    if (target === null) return;
    const delay = Math.min(Math.max(0, target.close - clock.now()), MAX_TIMER_DELAY_MS);
    handle = clock.setTimeout(fire, delay);
  };

  function fire(): void {
    handle = undefined;
    if (target === null) return;
    const now = clock.now();
    // Timers may fire a little early or in steps for long waits: wait again for the rest.
    if (now < target.close) {
      arm();
      return;
    }
    const due = barSlotsClosingBetween(calendar, timeframe, target.close, now);
    const slot = due.length === 0 ? target : due[due.length - 1]!;
    const missed = due.length;
    target = nextBarSlot(calendar, timeframe, now);
    arm();
    onBarClose({ ...slot, timeframe, firedAt: now, missed });
  }

  arm();
  return {
    get nextClose() {
      return target === null ? null : target.close;
    },
    stop() {
      target = null;
      if (handle !== undefined) clock.clearTimeout(handle);
      handle = undefined;
    },
  };
}
