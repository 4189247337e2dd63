// Listed equity options as Alpaca and the OCC name them: `SPY250117P00450000` is the root (1–6 characters), the
// expiry as YYMMDD, C or P, and the strike × 1000 in 8 digits. A contract covers 100 shares; quantities are whole
// contracts; prices are per share, so a fill's cash is price × 100 × contracts.

/** Shares per contract: premium and P&L in dollars are price × this × contracts. */
export const CONTRACT_MULTIPLIER = 100;

export type OptionRight = 'call' | 'put';
export type ExerciseStyle = 'american' | 'european';

export interface OptionContract {
  /** The underlying's root, e.g. SPY. */
  readonly root: string;
  /** Expiry date, YYYY-MM-DD (the contract expires at that day's close). */
  readonly expiry: string;
  readonly right: OptionRight;
  /** Dollars per share, to a tenth of a cent. */
  readonly strike: number;
}

const OCC = /^([A-Z][A-Z0-9.]{0,5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

/** The contract an OCC symbol names, or an error saying which part is wrong. */
export function parseOccSymbol(symbol: string): OptionContract {
  const match = OCC.exec(symbol.trim().toUpperCase());
  if (match === null) {
    throw new Error(
      `"${symbol}" is not an OCC option symbol (root, YYMMDD expiry, C or P, strike × 1000 in 8 digits, e.g. SPY250117P00450000)`,
    );
  }
  const [, root, yy, mm, dd, right, strike] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const year = 2000 + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new Error(`"${symbol}": ${yy}${mm}${dd} is not a calendar date (YYMMDD)`);
  }
  const strikeValue = Number(strike) / 1000;
  if (strikeValue <= 0) throw new Error(`"${symbol}": the strike is zero`);
  return { root, expiry: `${year}-${mm}-${dd}`, right: right === 'C' ? 'call' : 'put', strike: strikeValue };
}

/** The OCC symbol of a contract; refuses a strike that is not a whole tenth of a cent or does not fit 8 digits. */
export function occSymbol(contract: OptionContract): string {
  const root = contract.root.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9.]{0,5}$/.test(root))
    throw new Error(`option root "${contract.root}" is not 1–6 letters`);
  const date = /^20(\d{2})-(\d{2})-(\d{2})$/.exec(contract.expiry);
  if (date === null)
    throw new Error(`option expiry "${contract.expiry}" is not a date YYYY-MM-DD in 2000–2099`);
  const thousandths = Math.round(contract.strike * 1000);
  if (Math.abs(thousandths - contract.strike * 1000) > 1e-6 || thousandths <= 0 || thousandths > 99_999_999) {
    throw new Error(`option strike ${contract.strike} does not fit the OCC format (0.001 to 99,999.999)`);
  }
  const [, yy, mm, dd] = date as unknown as [string, string, string, string];
  return `${root}${yy}${mm}${dd}${contract.right === 'call' ? 'C' : 'P'}${String(thousandths).padStart(8, '0')}`;
}

export function isOccSymbol(symbol: string): boolean {
  try {
    parseOccSymbol(symbol);
    return true;
  } catch {
    return false;
  }
}

/** A contract's quote at a moment: what a buyer pays (ask) and a seller gets (bid), per share. */
export interface OptionQuote {
  /** OCC symbol. */
  readonly symbol: string;
  readonly bid: number;
  readonly ask: number;
  /** When the quote was taken (ms). */
  readonly time: number;
  /** The underlying's price the quote goes with. */
  readonly underlyingPrice: number;
  /** Implied volatility and greeks, when the source has them (Alpaca's snapshots, the pricing model). */
  readonly impliedVolatility?: number;
  readonly delta?: number;
  readonly gamma?: number;
  readonly theta?: number;
  readonly vega?: number;
}

/** The contracts listed for an underlying on a trading day: expiries ascending, each with its strikes ascending. */
export interface OptionListing {
  readonly underlying: string;
  readonly expiries: readonly {
    readonly expiry: string;
    readonly strikes: readonly number[];
  }[];
}

/** An option position as the UI shows it: contracts, premium per share, and dollars (× 100 × contracts). */
export interface OptionPositionRow {
  readonly symbol: string;
  readonly underlying: string;
  readonly right: OptionRight;
  readonly strike: number;
  readonly expiry: string;
  /** Whole contracts, positive long. */
  readonly contracts: number;
  /** Average premium paid per share, commissions excluded. */
  readonly avgPremium: number;
  /** The bid per share (what closing would fetch), or null without a quote. */
  readonly bid: number | null;
  readonly ask: number | null;
  /** Dollars: (bid − avgPremium) × 100 × contracts, less the commissions paid; null without a quote. */
  readonly unrealizedPnl: number | null;
}

/** What an options strategy decided about a trading day: traded, skipped by a filter, or not entered. */
export interface OptionDayDecision {
  /** The New York trading day, YYYY-MM-DD. */
  readonly day: string;
  readonly decision: 'traded' | 'skipped' | 'no_entry';
  /** The filter that skipped the day (e.g. high_vix), or why nothing was entered (e.g. no quote). */
  readonly reason?: string;
  /** The figures the decision was made on, e.g. { vixClose: 18.2, previousRange: 4.1, spot: 512.3 }. */
  readonly inputs: Readonly<Record<string, number>>;
}

export type MonitorBand = 'green' | 'amber' | 'red';

/** One line of the options monitor: a figure, what it is held against, and its band. */
export interface MonitorCheck {
  readonly id: 'daily_pnl' | 'execution_rate' | 'win_rate' | 'risk' | 'costs' | 'fill_slippage';
  readonly label: string;
  /** The figure (dollars, or a fraction 0–1 for rates), null when there is nothing yet to measure. */
  readonly value: number | null;
  /** What it is held against, in words (e.g. "target $34.38 ± 25%"). */
  readonly target: string;
  /** null: informational (costs, fill slippage), or nothing yet to measure (see note). */
  readonly band: MonitorBand | null;
  /** Why there is no figure or band yet, in words (e.g. "no trades yet"). */
  readonly note?: string;
}

/**
 * The options monitor of a paper run held against its backtest's promise (the preset's target daily P&L): the
 * figures, their bands, and the worst band overall. Also the daily JSON report's body.
 */
export interface OptionsMonitor {
  readonly runId: string;
  readonly preset: string;
  /** The trading day the report is for (the latest), YYYY-MM-DD. */
  readonly day: string;
  readonly targetDailyPnl: number;
  /** Average P&L per trading day so far (dollars, after costs). */
  readonly dailyPnl: number | null;
  readonly tradingDays: number;
  readonly tradedDays: number;
  /** Traded ÷ trading days, 0–1; null before the first day. */
  readonly executionRate: number | null;
  /** Winning trades ÷ trades, 0–1; null before the first trade. */
  readonly winRate: number | null;
  readonly trades: number;
  /** Commissions, spread and slippage paid as a fraction of the premium traded; null before the first fill. */
  readonly costsOfPremium: number | null;
  readonly skippedByReason: Readonly<Record<string, number>>;
  /** Each fill against the price the backtest's model expected at the same moment. */
  readonly fills: readonly {
    readonly time: number;
    readonly symbol: string;
    readonly side: 'buy' | 'sell';
    readonly contracts: number;
    readonly price: number;
    readonly expectedPrice: number | null;
  }[];
  readonly riskBreaches: readonly string[];
  readonly checks: readonly MonitorCheck[];
  readonly band: MonitorBand;
  /** Where prices came from, e.g. "synthetic option prices (Black–Scholes/CRR, σ from VIX_History.csv)". */
  readonly priceSource: string;
  /** What costsOfPremium is made of, in dollars; absent before the first fill. */
  readonly costs?: {
    /** Premium traded: Σ fill price × 100 × contracts, both sides. */
    readonly premium: number;
    readonly commissions: number;
    /** Paid against the model's mid (half the spread + slippage), or against the decision price (slippage only). */
    readonly spreadAndSlippage: number;
  };
  /** Where the daily report of `day` is written, for the session page (not part of the report file itself). */
  readonly reportPath?: string;
}
