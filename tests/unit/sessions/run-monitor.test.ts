import { describe, expect, it } from 'vitest';
import type { TimerFunctions } from '../../../src/main/feeds/paced-feed';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { RunMonitor } from '../../../src/main/sessions/run-monitor';
import { parseSessionConfig } from '../../../src/main/strategies/run-config';

function monitored(feed: unknown) {
  const alerts: string[] = [];
  let now = 0;
  let watchdog: (() => void) | undefined;
  const timers: TimerFunctions = {
    setInterval: (callback) => {
      watchdog = callback;
      return 1;
    },
    clearInterval: () => {
      watchdog = undefined;
    },
  };
  const monitor = new RunMonitor(
    {
      runId: 'r-1',
      config: parseSessionConfig({ symbols: ['ACME'], feed }),
      running: () => true,
      alertNow: (severity, kind, message) => alerts.push(`${severity} ${kind}: ${message}`),
    },
    { log: createMemoryLogger(), now: () => now, timers },
  );
  return {
    monitor,
    alerts,
    advance: (ms: number) => {
      now += ms;
      watchdog?.();
    },
    watching: () => watchdog !== undefined,
  };
}

describe('RunMonitor', () => {
  it('connecting is not news; a working feed that drops alerts once, and once more when it is back', () => {
    const { monitor, alerts } = monitored({ kind: 'alpaca' });

    monitor.feedStatus({ connected: false, message: 'connecting' });
    monitor.feedStatus({ connected: true, message: 'streaming' });
    monitor.feedStatus({ connected: false, message: 'lost the stream' });
    monitor.feedStatus({ connected: false, message: 'reconnecting (attempt 2)' });
    monitor.feedStatus({ connected: true, message: 'reconnected' });

    expect(alerts).toEqual(['warning feed-disconnected: lost the stream', 'info feed-resumed: reconnected']);
  });

  it('a paced feed quiet for more than stallAlertBars intervals: one stalled alert, one resumed alert with the next bar', () => {
    const { monitor, alerts, advance, watching } = monitored({ kind: 'synthetic-live', speed: 60 });

    monitor.expectBars(1_000);
    advance(3_000);
    advance(500);
    advance(1_000);
    monitor.barArrived();
    monitor.stopWatchdog();

    expect(alerts).toEqual([
      'warning feed-stalled: no bar for 4 s (expected one every 1000 ms)',
      'info feed-resumed: bars are arriving again',
    ]);
    expect(watching()).toBe(false);
  });
});
