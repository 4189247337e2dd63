// One way bars reach a paper session, whatever makes them: the synthetic market, stored history replayed, or a real
// market's stream (Alpaca). A feed releases one bar time at a time; the session steps its engine on each.
import type { SymbolBar } from './live-bar-assembler';

export interface LiveFeedStatus {
  /** True while bars are flowing (connected, subscribed, caught up). */
  readonly connected: boolean;
  /** For the user: what happened and what the feed does about it. */
  readonly message: string;
}

export interface LiveFeedHandlers {
  /** One bar time: the bars of the symbols that have one then. Times only increase. */
  onBars(time: number, bars: readonly SymbolBar[]): void;
  /** Connection news (a real market's stream). */
  onStatus(status: LiveFeedStatus): void;
  /** A feed with an end (stored history) has released its last bar time. */
  onEnd?(): void;
}

export interface LiveFeed {
  /** Starts releasing bar times; resolves once bars flow, rejects when the feed cannot start. */
  start(handlers: LiveFeedHandlers): Promise<void>;
  stop(): Promise<void>;
}
