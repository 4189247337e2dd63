import { describe, expect, it } from 'vitest';
import type { SymbolBar } from '../../../src/main/feeds/live-bar-assembler';
import type { LiveFeedHandlers } from '../../../src/main/feeds/live-feed';
import { type BarTimes, PacedFeed, type TimerFunctions } from '../../../src/main/feeds/paced-feed';

/** Bar time k is one ACME bar at time k (none at the times in `gaps`), until `end`. */
function market(end: number, gaps: readonly number[] = []): BarTimes {
  return {
    barsAt: (k) => {
      if (k >= end) return null;
      if (gaps.includes(k)) return [];
      return [{ symbol: 'ACME', time: k, open: 10, high: 11, low: 9, close: 10, volume: 100 }];
    },
  };
}

/** Interval timers the test fires by hand. */
function handTimers() {
  const live = new Set<{ callback: () => void; ms: number }>();
  const timers: TimerFunctions = {
    setInterval: (callback, ms) => {
      const handle = { callback, ms };
      live.add(handle);
      return handle;
    },
    clearInterval: (handle) => {
      live.delete(handle as { callback: () => void; ms: number });
    },
  };
  const tick = () => {
    for (const handle of [...live]) handle.callback();
  };
  return { timers, live, tick };
}

function recorder() {
  const times: number[] = [];
  let ended = 0;
  const handlers: LiveFeedHandlers = {
    onBars: (time, bars: readonly SymbolBar[]) => {
      expect(bars.every((b) => b.time === time)).toBe(true);
      times.push(time);
    },
    onStatus: () => {},
    onEnd: () => {
      ended++;
    },
  };
  return { handlers, times, ended: () => ended };
}

describe('PacedFeed', () => {
  it('the warm-up releases the next bar times at once; the pace goes on from there, one bar time per tick', async () => {
    const { timers, live, tick } = handTimers();
    const feed = new PacedFeed(market(100), 250, timers);
    const seen = recorder();

    const warm = feed.warmup(3);
    await feed.start(seen.handlers);
    tick();
    tick();

    expect(warm.map((bars) => bars[0]!.time)).toEqual([0, 1, 2]);
    expect(seen.times).toEqual([3, 4]);
    expect(feed.released).toBe(5);
    expect([...live].map((h) => h.ms)).toEqual([250]);
  });

  it('stopped, then started again, it goes on where it stopped; starting it while it runs arms no second timer', async () => {
    const { timers, live, tick } = handTimers();
    const feed = new PacedFeed(market(100), 10, timers);
    const seen = recorder();

    await feed.start(seen.handlers);
    await feed.start(seen.handlers);
    tick();
    await feed.stop();
    tick();
    await feed.start(seen.handlers);
    tick();

    expect(seen.times).toEqual([0, 1]);
    expect(live.size).toBe(1);
  });

  it('after a recovery it resumes at the bar time the ledger ends at', async () => {
    const { timers, tick } = handTimers();
    const feed = new PacedFeed(market(100), 10, timers);
    const seen = recorder();

    feed.resumeAt(40);
    await feed.start(seen.handlers);
    tick();

    expect(seen.times).toEqual([40]);
  });

  it('a bar time without bars is passed over; after the last one the feed stops and says it has ended, once', async () => {
    const { timers, tick } = handTimers();
    const feed = new PacedFeed(market(3, [1]), 10, timers);
    const seen = recorder();

    await feed.start(seen.handlers);
    for (let k = 0; k < 5; k++) tick();

    expect(seen.times).toEqual([0, 2]);
    expect(seen.ended()).toBe(1);
    expect(feed.released).toBe(3);
  });
});
