// Alpaca's option data through the one SDK client (createAlpacaClient): listed contracts
// (`trading.assets.getOptionsContracts`), chain and per-symbol snapshots (`marketData.options.optionChain` /
// `optionSnapshots`: latest quote, greeks, implied volatility) and option bars (`marketData.options.optionBars`).
// Every page is followed, every answer checked (option-shapes.ts), every call inside the key's request budget.
import { type Alpaca, ApiError } from '@alpacahq/alpaca-trade-api';
import type { OptionListing, OptionQuote, OptionRight } from '../../../shared/domain/options';
import { dayFromIsoDate, isoDate } from '../../market/nyse-holidays';
import {
  type AlpacaOptionContract,
  barsPageOf,
  contractsPageOf,
  listingOf,
  type OptionBar,
  optionBarOf,
  optionContractOf,
  optionQuoteOf,
  snapshotsPageOf,
} from './option-shapes';
import { RequestBudget } from './request-budget';
import { withoutSdkHint } from './validate';

/** Alpaca's option data feeds: OPRA with a subscription, the free delayed "indicative" feed otherwise. */
export type OptionFeed = 'opra' | 'indicative';

/** An option data request Alpaca refused or answered with nothing usable, in the trader's words. */
export class OptionDataError extends Error {
  override readonly name = 'OptionDataError';
}

export interface AlpacaOptionDataOptions {
  readonly alpaca: Alpaca;
  /** The key's request budget, shared with the broker and the bars feed. */
  readonly budget?: RequestBudget;
  /** Absent: Alpaca's default for the account (OPRA when subscribed, else indicative). */
  readonly feed?: OptionFeed;
  /** Records per page (Alpaca allows up to 10,000 contracts, 1,000 snapshots per page). */
  readonly pageLimit?: number;
}

export interface ContractQuery {
  readonly underlying: string;
  /** First and last expiry wanted, YYYY-MM-DD (inclusive); `to` defaults to `from`. */
  readonly from: string;
  readonly to?: string;
  readonly right?: OptionRight;
  readonly strikeFrom?: number;
  readonly strikeTo?: number;
}

/** Alpaca's bar timeframes for options. */
export type OptionTimeframe = '1Min' | '5Min' | '15Min' | '1Hour' | '1Day';

/** Alpaca takes at most 100 symbols per snapshot request. */
const SNAPSHOT_SYMBOLS_PER_REQUEST = 100;

/** A YYYY-MM-DD day as the SDK wants a date parameter (it sends `toISOString().slice(0, 10)`). */
const dateParam = (day: string): Date => new Date(`${day}T00:00:00Z`);

function describe(error: unknown): string {
  if (error instanceof ApiError)
    return `HTTP ${error.status}${error.message ? `: ${withoutSdkHint(error.message)}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

function expiryWords(query: { from: string; to?: string }): string {
  return query.to === undefined || query.to === query.from
    ? `expiring ${query.from}`
    : `expiring ${query.from} to ${query.to}`;
}

export class AlpacaOptionData {
  private readonly alpaca: Alpaca;
  private readonly budget: RequestBudget;
  private readonly feed: OptionFeed | undefined;
  private readonly pageLimit: number | undefined;

  constructor(options: AlpacaOptionDataOptions) {
    this.alpaca = options.alpaca;
    this.budget = options.budget ?? new RequestBudget();
    this.feed = options.feed;
    this.pageLimit = options.pageLimit;
  }

  /** Every active contract matching the query, all pages, sorted by expiry then strike (tradable or not). */
  async contracts(query: ContractQuery): Promise<AlpacaOptionContract[]> {
    const underlying = query.underlying.toUpperCase();
    const request = {
      underlyingSymbols: underlying,
      status: 'active' as const,
      expirationDateGte: dateParam(query.from),
      expirationDateLte: dateParam(query.to ?? query.from),
      ...(query.right !== undefined && { type: query.right }),
      ...(query.strikeFrom !== undefined && { strikePriceGte: query.strikeFrom }),
      ...(query.strikeTo !== undefined && { strikePriceLte: query.strikeTo }),
      limit: this.pageLimit ?? 10_000,
    };
    const out: AlpacaOptionContract[] = [];
    await this.pages(`${underlying} option contracts`, async (pageToken) => {
      const raw = await this.alpaca.trading.assets.getOptionsContracts({
        ...request,
        ...(pageToken !== undefined && { pageToken }),
      });
      const page = contractsPageOf(raw);
      for (const contract of page.contracts) out.push(optionContractOf(contract));
      return page.next;
    });
    return out.sort((a, b) => (a.expiry === b.expiry ? a.strike - b.strike : a.expiry < b.expiry ? -1 : 1));
  }

  /** One contract by its OCC symbol (or Alpaca's id). */
  async contract(symbolOrId: string): Promise<AlpacaOptionContract> {
    try {
      return optionContractOf(
        await this.budget.run(() => this.alpaca.trading.assets.getOptionContractSymbolOrId({ symbolOrId })),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404)
        throw new OptionDataError(`Alpaca has no option contract ${symbolOrId}`, { cause: error });
      throw error;
    }
  }

  /**
   * The tradable contracts as a listing (expiries → strikes). None at all is an error naming the underlying and
   * the expiries asked for, e.g. "Alpaca lists no SPY put contracts expiring 2025-03-05".
   */
  async listing(query: ContractQuery): Promise<OptionListing> {
    const contracts = (await this.contracts(query)).filter((c) => c.tradable);
    const underlying = query.underlying.toUpperCase();
    if (contracts.length === 0) {
      const kind = query.right === undefined ? 'option' : query.right;
      throw new OptionDataError(`Alpaca lists no ${underlying} ${kind} contracts ${expiryWords(query)}`);
    }
    return listingOf(underlying, contracts);
  }

  /**
   * The chain's snapshots as quotes (contracts without a two-sided quote are left out), all pages. The spot is
   * the underlying's price the caller holds for the same moment (snapshots do not carry it).
   */
  async chain(query: ContractQuery, underlyingPrice: number): Promise<OptionQuote[]> {
    const underlying = query.underlying.toUpperCase();
    const request = {
      underlyingSymbol: underlying,
      expirationDateGte: dateParam(query.from),
      expirationDateLte: dateParam(query.to ?? query.from),
      ...(query.right !== undefined && { type: query.right }),
      ...(query.strikeFrom !== undefined && { strikePriceGte: query.strikeFrom }),
      ...(query.strikeTo !== undefined && { strikePriceLte: query.strikeTo }),
      ...(this.feed !== undefined && { feed: this.feed }),
      limit: Math.min(this.pageLimit ?? 1_000, 1_000),
    };
    const out: OptionQuote[] = [];
    await this.pages(`the ${underlying} option chain`, async (pageToken) => {
      const raw = await this.alpaca.marketData.options.optionChain({
        ...request,
        ...(pageToken !== undefined && { pageToken }),
      });
      const page = snapshotsPageOf(raw);
      for (const [symbol, snapshot] of Object.entries(page.snapshots)) {
        const quote = optionQuoteOf(symbol, snapshot, underlyingPrice);
        if (quote !== null) out.push(quote);
      }
      return page.next;
    });
    return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  }

  /** Snapshots of the given contracts (in requests of 100), as quotes keyed by symbol; unquoted ones are absent. */
  async snapshots(symbols: readonly string[], underlyingPrice: number): Promise<Map<string, OptionQuote>> {
    const out = new Map<string, OptionQuote>();
    const unique = [...new Set(symbols.map((s) => s.toUpperCase()))];
    for (let k = 0; k < unique.length; k += SNAPSHOT_SYMBOLS_PER_REQUEST) {
      const batch = unique.slice(k, k + SNAPSHOT_SYMBOLS_PER_REQUEST);
      await this.pages(`option snapshots of ${batch.join(', ')}`, async (pageToken) => {
        const raw = await this.alpaca.marketData.options.optionSnapshots({
          symbols: batch.join(','),
          ...(this.feed !== undefined && { feed: this.feed }),
          ...(pageToken !== undefined && { pageToken }),
        });
        const page = snapshotsPageOf(raw);
        for (const [symbol, snapshot] of Object.entries(page.snapshots)) {
          const quote = optionQuoteOf(symbol, snapshot, underlyingPrice);
          if (quote !== null) out.set(symbol, quote);
        }
        return page.next;
      });
    }
    return out;
  }

  /** Option bars per contract over [start, end] (epoch ms, inclusive), oldest first, all pages. */
  async bars(
    symbols: readonly string[],
    timeframe: OptionTimeframe,
    start: number,
    end: number,
  ): Promise<Record<string, OptionBar[]>> {
    const out: Record<string, OptionBar[]> = {};
    if (symbols.length === 0) return out;
    await this.pages(`option bars of ${symbols.join(', ')}`, async (pageToken) => {
      const raw = await this.alpaca.marketData.options.optionBars({
        symbols: symbols.join(','),
        timeframe,
        start: new Date(start),
        end: new Date(end),
        sort: 'asc',
        limit: this.pageLimit ?? 10_000,
        ...(pageToken !== undefined && { pageToken }),
      });
      const page = barsPageOf(raw);
      for (const [symbol, bars] of Object.entries(page.bars)) {
        const list = out[symbol] ?? [];
        out[symbol] = list;
        for (const bar of bars) list.push(optionBarOf(symbol, list.length, bar));
      }
      return page.next;
    });
    return out;
  }

  /** Follows page tokens until Alpaca sends none; a token seen twice stops it (a loop), naming what was paged. */
  private async pages(what: string, fetchPage: (token: string | undefined) => Promise<string | undefined>) {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const current = token;
      try {
        token = await this.budget.run(() => fetchPage(current));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        throw new OptionDataError(`Alpaca refused ${what}: ${describe(error)}`, { cause: error });
      }
      if (token !== undefined) {
        if (seen.has(token))
          throw new OptionDataError(`Alpaca sent the same page token twice for ${what}; stopped paging`);
        seen.add(token);
      }
    } while (token !== undefined);
  }
}

/** `day` plus `days` calendar days, YYYY-MM-DD. */
export function addCalendarDays(day: string, days: number): string {
  return isoDate(dayFromIsoDate(day) + days);
}
