// The request budget on a manual clock: at most N requests in any rolling minute, and a 429 pauses everyone for
// its Retry-After (or until X-RateLimit-Reset) before the refused request goes out again.
import { RateLimitError } from '@alpacahq/alpaca-trade-api';
import { describe, expect, test } from 'vitest';
import {
  type BudgetClock,
  pauseOf,
  RequestBudget,
} from '../../../../src/main/adapters/alpaca/request-budget';

/** A clock that only moves when someone sleeps: sleeping jumps straight to the wake-up time. */
function manualClock(): BudgetClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
    },
  };
  return clock;
}

function rateLimited(headers: Record<string, string>): RateLimitError {
  const response = new Response('{"message":"too many requests"}', { status: 429, headers });
  const retryAfter = headers['Retry-After'];
  const reset = headers['X-RateLimit-Reset'];
  return new RateLimitError(
    response,
    429,
    undefined,
    'too many requests',
    reset === undefined ? undefined : { reset: new Date(Number(reset) * 1000) },
    retryAfter === undefined ? undefined : Number(retryAfter) * 1000,
  );
}

describe('RequestBudget', () => {
  test('never more than perMinute requests in a rolling minute, in arrival order', async () => {
    const clock = manualClock();
    const budget = new RequestBudget({ perMinute: 3, clock });
    const sentAt: number[] = [];
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4, 5, 6].map((k) =>
        budget.run(async () => {
          sentAt.push(clock.time);
          order.push(k);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sentAt).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
    for (let i = 3; i < sentAt.length; i++)
      expect(sentAt[i]! - sentAt[i - 3]!).toBeGreaterThanOrEqual(60_000);
    expect(budget.requests).toBe(7);
  });

  test('a 429 with Retry-After pauses every caller, then the refused request is sent again', async () => {
    const clock = manualClock();
    const waits: number[] = [];
    const budget = new RequestBudget({ clock, onThrottled: (ms) => waits.push(ms) });
    let attempts = 0;
    const value = await budget.run(async () => {
      attempts++;
      if (attempts === 1) throw rateLimited({ 'Retry-After': '3' });
      return 'ok';
    });
    expect(value).toBe('ok');
    expect(attempts).toBe(2);
    expect(waits).toEqual([3_000]);
    expect(clock.time).toBe(3_000);
    // Anyone after it waits out the same pause (already over here) and goes straight out.
    await budget.run(async () => undefined);
    expect(budget.throttled).toBe(1);
  });

  test('without Retry-After, X-RateLimit-Reset says how long; other errors are not retried', async () => {
    expect(pauseOf(rateLimited({ 'X-RateLimit-Reset': '100' }), 95_000)).toBe(5_000);
    expect(pauseOf(rateLimited({}), 0)).toBe(1_000);
    const budget = new RequestBudget({ clock: manualClock() });
    let calls = 0;
    await expect(
      budget.run(async () => {
        calls++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  test('gives up after maxRateLimitRetries and rethrows the 429', async () => {
    const budget = new RequestBudget({ clock: manualClock(), maxRateLimitRetries: 2 });
    let calls = 0;
    await expect(
      budget.run(async () => {
        calls++;
        throw rateLimited({ 'Retry-After': '1' });
      }),
    ).rejects.toBeInstanceOf(RateLimitError);
    expect(calls).toBe(3);
  });
});
