// A shadow session: an Alpaca paper run with a simulator twin fed the same live bars in the same order. The view
// sets the two side by side: both equity curves and, fill by fill, what the broker did that the simulator did not.

export interface ShadowFill {
  readonly time: number;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
}

/** One broker fill and its twin's, or a fill only one of them made. */
export interface ShadowAttributionRow {
  readonly broker: ShadowFill | null;
  readonly twin: ShadowFill | null;
  /**
   * What the broker's price cost against the twin's, in $: (broker − twin) × the broker's quantity for a buy, the
   * reverse for a sell; positive when the broker filled worse. Null unless both filled.
   */
  readonly slippage: number | null;
  /** Bars the broker filled after the twin (0: the same bar). Null unless both filled. */
  readonly barsLater: number | null;
}

export interface ShadowView {
  readonly sessionId: string;
  readonly runId: string;
  /** 'live': the twin running beside the run now; 'rebuilt': recomputed from the bars the run's ledger stored. */
  readonly source: 'live' | 'rebuilt';
  readonly run: { readonly time: readonly number[]; readonly equity: readonly number[] };
  readonly twin: { readonly time: readonly number[]; readonly equity: readonly number[] };
  /** Oldest first. */
  readonly rows: readonly ShadowAttributionRow[];
  readonly totals: {
    readonly brokerFills: number;
    readonly twinFills: number;
    /** Broker fills with a twin fill. */
    readonly paired: number;
    /** Fills the broker made that the twin did not, and the reverse. */
    readonly onlyBroker: number;
    readonly onlyTwin: number;
    /** Sum of the rows' slippage, $ (positive: the broker cost that much more). */
    readonly slippage: number;
    /** Mean bars the broker filled after the twin, over the paired fills; null without any. */
    readonly meanBarsLater: number | null;
    readonly runEquity: number | null;
    readonly twinEquity: number | null;
  };
}
