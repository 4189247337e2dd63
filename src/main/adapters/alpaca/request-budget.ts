// A client-side request budget for one Alpaca key: a sliding window of at most `perMinute` requests, and a pause
// for everyone after a 429 until its Retry-After / X-RateLimit-Reset has passed. Alpaca counts every request of
// the key, so one budget is shared by every caller (venue, validation, market data) of that key.
import { RateLimitError } from '@alpacahq/alpaca-trade-api';

export interface BudgetClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: BudgetClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RequestBudgetOptions {
  /** Requests allowed per rolling minute; Alpaca allows 200, we keep a margin. Default 190. */
  readonly perMinute?: number;
  /** How many times a request refused with 429 is sent again (a 429 was not processed, so it is safe). */
  readonly maxRateLimitRetries?: number;
  readonly clock?: BudgetClock;
  /** Told about each pause after a 429 (the session log shows it). */
  readonly onThrottled?: (waitMs: number) => void;
}

const MINUTE_MS = 60_000;
/** When a 429 carries neither Retry-After nor X-RateLimit-Reset: wait this long. */
const DEFAULT_PAUSE_MS = 1_000;

export class RequestBudget {
  readonly perMinute: number;
  private readonly maxRetries: number;
  private readonly clock: BudgetClock;
  private readonly onThrottled: ((waitMs: number) => void) | undefined;
  /** Send times of the requests in the last minute, oldest first. */
  private readonly sent: number[] = [];
  private pausedUntil = 0;
  /** Requests queue in order: a burst never overtakes earlier callers. */
  private queue: Promise<void> = Promise.resolve();
  /** Requests sent since the budget was made (tests and the session log read it). */
  requests = 0;
  throttled = 0;

  constructor(options: RequestBudgetOptions = {}) {
    this.perMinute = options.perMinute ?? 190;
    if (!(this.perMinute >= 1)) throw new Error(`perMinute must be at least 1, got ${this.perMinute}`);
    this.maxRetries = options.maxRateLimitRetries ?? 5;
    this.clock = options.clock ?? systemClock;
    this.onThrottled = options.onThrottled;
  }

  /** Runs `request` when the budget allows; a 429 pauses every caller and sends this request again. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof RateLimitError) || attempt >= this.maxRetries) throw error;
        this.throttled++;
        const waitMs = pauseOf(error, this.clock.now());
        this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + waitMs);
        this.onThrottled?.(waitMs);
      }
    }
  }

  /** Waits for a place in the window (and the end of any pause), in arrival order. */
  private slot(): Promise<void> {
    const mine = this.queue.then(async () => {
      // Each wait is served once, then counted as over: a clock that does not move (tests) cannot spin here.
      const pause = this.pausedUntil - this.clock.now();
      if (pause > 0) await this.clock.sleep(pause);
      const now = this.clock.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - MINUTE_MS) this.sent.shift();
      if (this.sent.length >= this.perMinute) {
        const wait = this.sent[0]! + MINUTE_MS - now;
        if (wait > 0) await this.clock.sleep(wait);
        this.sent.shift();
      }
      this.sent.push(this.clock.now());
      this.requests++;
    });
    // A failed wait must not wedge the queue for later callers.
    this.queue = mine.catch(() => undefined);
    return mine;
  }
}

/** How long a 429 asks us to wait: Retry-After, else X-RateLimit-Reset (both read by the SDK), else a second. */
export function pauseOf(error: RateLimitError, now: number): number {
  if (error.retryAfterMs !== undefined && error.retryAfterMs >= 0) return error.retryAfterMs;
  const reset = error.rateLimit?.reset;
  if (reset !== undefined) return Math.max(0, reset.getTime() - now);
  return DEFAULT_PAUSE_MS;
}
