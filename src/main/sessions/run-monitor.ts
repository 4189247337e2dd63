// What watches a run and raises alerts the user did not ask for: a paced feed that goes quiet, a real market's feed
// that drops and comes back, and returns drifting away from the backtest expectation.
import type { AlertSeverity } from '../../shared/domain/session';
import type { LiveFeedStatus } from '../feeds/live-feed';
import { systemTimers, type TimerFunctions } from '../feeds/paced-feed';
import type { Logger } from '../log/logger';
import type { SessionConfig } from '../strategies/run-config';
import type { SignalModel } from '../strategies/signal-model';
import { driftScore, expectedBarReturn, type ReturnExpectation } from './expectation';

/** The run as its monitor sees it. */
export interface MonitoredRun {
  readonly runId: string;
  readonly config: SessionConfig;
  /** The stored models its strategies trade (ml-signal), for the expectation's backtest. */
  readonly models?: readonly SignalModel[];
  /** Only a running run is expected to receive bars. */
  running(): boolean;
  /** Commits and pushes an alert outside bar processing. */
  alertNow(severity: AlertSeverity, kind: string, message: string): void;
}

export interface MonitorDeps {
  readonly log: Logger;
  readonly now: () => number;
  readonly timers?: TimerFunctions;
}

export class RunMonitor {
  /** Wall-clock time of the last bar released, for the stalled-feed watchdog. */
  private lastBarAt = 0;
  private stallAlerted = false;
  private watchdog: unknown;
  /** The market-data feed dropped after it had worked (cleared when it is back). */
  private feedLost = false;
  private feedWasConnected = false;
  /** The backtest expectation of per-bar returns the drift alert measures against (synthetic feeds only). */
  private readonly expectation: ReturnExpectation | null;
  private summedReturn = 0;
  private returnBars = 0;
  private driftAlerted = false;

  constructor(
    private readonly run: MonitoredRun,
    private readonly deps: MonitorDeps,
  ) {
    this.expectation = expectedBarReturn(run.config, run.models);
  }

  /** Bars are expected from now; with `intervalMs` (a paced feed) the watchdog expects one that often. */
  expectBars(intervalMs?: number): void {
    this.lastBarAt = this.deps.now();
    if (intervalMs !== undefined) this.startWatchdog(intervalMs);
  }

  stopWatchdog(): void {
    if (this.watchdog === undefined) return;
    (this.deps.timers ?? systemTimers).clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /** A bar time arrived: the feed is alive (again). */
  barArrived(): void {
    this.lastBarAt = this.deps.now();
    if (this.stallAlerted) {
      this.stallAlerted = false;
      this.run.alertNow('info', 'feed-resumed', 'bars are arriving again');
    }
  }

  /** A real market's connection news: logged; losing a connection that worked is an alert, once, until it is back. */
  feedStatus(status: LiveFeedStatus): void {
    this.deps.log[status.connected ? 'info' : 'warn']('market data', {
      runId: this.run.runId,
      message: status.message,
    });
    // Connecting at the start is not news.
    if (!status.connected && this.feedWasConnected && !this.feedLost) {
      this.feedLost = true;
      this.run.alertNow('warning', 'feed-disconnected', status.message);
    } else if (status.connected && this.feedLost) {
      this.feedLost = false;
      this.run.alertNow('info', 'feed-resumed', status.message);
    }
    if (status.connected) this.feedWasConnected = true;
  }

  /**
   * The drift alert's message when the run's summed per-bar return has just left the expectation's band, else
   * undefined; it re-arms inside the band.
   */
  drift(previousEquity: number, equity: number): string | undefined {
    if (this.expectation === null || !(previousEquity > 0)) return undefined;
    this.summedReturn += equity / previousEquity - 1;
    this.returnBars++;
    if (this.returnBars < 50) return undefined;
    const band = this.run.config.driftAlert;
    const z = driftScore(this.expectation, this.summedReturn, this.returnBars);
    const outside = Math.abs(z) > band;
    const alert = outside && !this.driftAlerted;
    this.driftAlerted = outside;
    if (!alert) return undefined;
    return `returns drift ${z.toFixed(1)}σ from the backtest expectation over ${this.returnBars} bars (band ±${band}σ)`;
  }

  /** Warns once when the feed goes quiet for `stallAlertBars` bar intervals while the run is running. */
  private startWatchdog(intervalMs: number): void {
    if (this.watchdog !== undefined) return;
    this.watchdog = (this.deps.timers ?? systemTimers).setInterval(
      () => {
        const quietMs = this.deps.now() - this.lastBarAt;
        if (!this.run.running || this.stallAlerted || quietMs <= this.run.config.stallAlertBars * intervalMs)
          return;
        this.stallAlerted = true;
        this.run.alertNow(
          'warning',
          'feed-stalled',
          `no bar for ${Math.round(quietMs / 1000)} s (expected one every ${Math.round(intervalMs)} ms)`,
        );
      },
      Math.max(intervalMs, 250),
    );
  }
}
