// The paper run's live option prices: Alpaca's snapshots (latest quote, greeks, implied volatility), refreshed
// before each underlying bar is stepped. The engine reads quotes synchronously while it steps, so the run awaits
// `refresh` first; `listed` and `quote` then answer from what that refresh fetched.
import type { OptionListing, OptionQuote, OptionRight } from '../../../shared/domain/options';
import type { OptionQuoteSource } from '../../engine/option-desk';
import { isoDateOfDay, newYorkDay } from '../../market/new-york-time';
import { type AlpacaOptionData, addCalendarDays } from './options';

export interface AlpacaOptionQuotesOptions {
  readonly data: AlpacaOptionData;
  /** Only calls or only puts (Phase 4D buys puts); absent: both. */
  readonly right?: OptionRight;
  /** Strikes quoted: within this many dollars of the spot. Default 20 (the strategy's strikeRange). */
  readonly strikeRange?: number;
  /** Expiries listed and quoted: from the trading day to this many calendar days after it. Default 7. */
  readonly expiryDays?: number;
}

export class AlpacaOptionQuotes implements OptionQuoteSource {
  readonly label = 'Alpaca option quotes (snapshots)';
  readonly synthetic = false;
  private readonly data: AlpacaOptionData;
  private readonly options: AlpacaOptionQuotesOptions;
  /** The listing per underlying, for one trading day (contracts do not change within a day). */
  private readonly listings = new Map<string, { readonly day: string; readonly listing: OptionListing }>();
  private quotes = new Map<string, OptionQuote>();
  /** Contracts asked for since the last refresh (holdings marked, a contract chosen): the next refresh quotes them. */
  private readonly asked = new Set<string>();
  /** Refreshes completed (the session log and tests read it). */
  refreshes = 0;

  constructor(options: AlpacaOptionQuotesOptions) {
    this.data = options.data;
    this.options = options;
  }

  /**
   * Fetches the day's listing (once a day) and the snapshots of the chain around `spot`, plus those of `symbols`
   * and of every contract asked for since the last refresh (holdings the engine marks each bar), which may have
   * drifted out of the chain's window. On failure it throws and the quotes of the previous refresh stay; a
   * contract that lost its quote since is no longer quoted.
   */
  async refresh(
    underlying: string,
    day: string,
    spot: number,
    symbols: readonly string[] = [],
  ): Promise<void> {
    const root = underlying.toUpperCase();
    const range = this.options.strikeRange ?? 20;
    const to = addCalendarDays(day, this.options.expiryDays ?? 7);
    const right = this.options.right;
    if (this.listings.get(root)?.day !== day) {
      const listing = await this.data.listing({
        underlying: root,
        from: day,
        to,
        ...(right !== undefined && { right }),
      });
      this.listings.set(root, { day, listing });
    }
    const chain = await this.data.chain(
      {
        underlying: root,
        from: day,
        to,
        ...(right !== undefined && { right }),
        strikeFrom: Math.max(0, spot - range),
        strikeTo: spot + range,
      },
      spot,
    );
    const next = new Map<string, OptionQuote>();
    for (const quote of chain) next.set(quote.symbol, quote);
    const wanted = new Set([...symbols.map((s) => s.toUpperCase()), ...this.asked]);
    const missing = [...wanted].filter((s) => !next.has(s));
    if (missing.length > 0) {
      for (const [symbol, quote] of await this.data.snapshots(missing, spot)) next.set(symbol, quote);
    }
    this.quotes = next;
    this.asked.clear();
    this.refreshes++;
  }

  /** The listing fetched for the New York trading day of `time`, or undefined before that day's refresh. */
  listed(underlying: string, time: number): OptionListing | undefined {
    const entry = this.listings.get(underlying.toUpperCase());
    return entry?.day === isoDateOfDay(newYorkDay(time)) ? entry.listing : undefined;
  }

  /** The latest snapshot's quote of `symbol`; undefined when the last refresh found no two-sided quote. */
  quote(symbol: string, _time: number, _underlyingPrice: number): OptionQuote | undefined {
    const key = symbol.toUpperCase();
    this.asked.add(key);
    return this.quotes.get(key);
  }

  /**
   * This source for one underlying, refreshed by the time of the bar about to be decided (its New York trading
   * day) and the underlying's price: the shape a run that only knows bars awaits before each step.
   */
  forUnderlying(underlying: string): OptionQuoteSource & {
    refresh(time: number, underlyingPrice: number): Promise<void>;
  } {
    return {
      label: this.label,
      synthetic: this.synthetic,
      listed: (root, time) => this.listed(root, time),
      quote: (symbol, time, price) => this.quote(symbol, time, price),
      refresh: (time, underlyingPrice) =>
        this.refresh(underlying, isoDateOfDay(newYorkDay(time)), underlyingPrice),
    };
  }
}
