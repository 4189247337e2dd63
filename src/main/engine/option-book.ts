// The options account: cash, long option holdings by OCC symbol, realized P&L (in total and for the trading day),
// commissions, and round trips. Prices are per share; cash and P&L are dollars (price × 100 × contracts).
import {
  CONTRACT_MULTIPLIER,
  type OptionContract,
  type OptionPositionRow,
  type OptionQuote,
  parseOccSymbol,
} from '../../shared/domain/options';
import type { ExitReason, Side } from '../../shared/domain/trading';
import type { OptionHolding } from './option-desk';
import { intrinsicValue } from './option-pricing';
import { ClosedTrade } from './portfolio';

/** One held contract and the round trip it is part of, updated in place. */
class Holding implements OptionHolding {
  contracts = 0;
  avgPremium = 0;
  openingFees = 0;
  bid = Number.NaN;
  // The round trip from the first buy to flat: what the trade reports when it closes.
  entryContracts = 0;
  entryNotional = 0;
  exitContracts = 0;
  exitNotional = 0;
  /** Commissions of both sides so far, dollars. */
  fees = 0;
  /** Premium gained or lost on what was closed, dollars before commissions. */
  gross = 0;

  constructor(
    readonly symbol: string,
    readonly contract: OptionContract,
    readonly openedAt: number,
    readonly openedAtBar: number,
  ) {}
}

/** Whole contracts only: an options venue trades no fractions. */
function isWholeContracts(contracts: number): boolean {
  return Number.isInteger(contracts) && contracts > 0;
}

export class OptionBook {
  declare cash: number;
  declare readonly startingCash: number;
  /** Commissions paid, dollars. */
  fees = 0;
  /** Realized P&L of every closed contract since the start, dollars after both sides' commissions. */
  realized = 0;
  /** Realized P&L of the current trading day (see startDay), dollars after commissions. */
  dayPnl = 0;
  /** The trading day dayPnl belongs to (YYYY-MM-DD); '' before the first. */
  day = '';
  /** Cash + Σ contracts × bid × 100 at the last markToMarket. */
  equity: number;
  private readonly held: Holding[] = [];
  private readonly closed = new ClosedTrade();

  constructor(cash: number) {
    if (!(cash > 0) || !Number.isFinite(cash))
      throw new Error(`starting cash ${cash} must be a positive amount`);
    this.cash = cash;
    this.startingCash = cash;
    this.equity = cash;
  }

  /** Open positions, in the order they were opened; the objects update in place (read, do not keep). */
  holdings(): readonly OptionHolding[] {
    return this.held;
  }

  holding(symbol: string): OptionHolding | undefined {
    return this.find(symbol);
  }

  /** Contracts held of `symbol` (0 when none). */
  contractsOf(symbol: string): number {
    return this.find(symbol)?.contracts ?? 0;
  }

  get openContracts(): number {
    let total = 0;
    for (let k = 0; k < this.held.length; k++) total += this.held[k]!.contracts;
    return total;
  }

  /** A new trading day starts the day's realized P&L from zero; the same day again changes nothing. */
  startDay(day: string): void {
    if (day === this.day) return;
    this.day = day;
    this.dayPnl = 0;
  }

  /** The bid a holding is worth per share now; a holding never quoted yet keeps its last mark (NaN: none). */
  mark(symbol: string, bid: number): void {
    const holding = this.find(symbol);
    if (holding !== undefined && Number.isFinite(bid) && bid >= 0) holding.bid = bid;
  }

  /**
   * Equity = cash + Σ contracts × bid × 100. A holding that has had no quote yet counts at its premium paid: the
   * only price known for it, and no gain or loss until the market says otherwise.
   */
  markToMarket(): number {
    let equity = this.cash;
    for (let k = 0; k < this.held.length; k++) {
      const holding = this.held[k]!;
      const price = Number.isNaN(holding.bid) ? holding.avgPremium : holding.bid;
      equity += holding.contracts * price * CONTRACT_MULTIPLIER;
    }
    this.equity = equity;
    return equity;
  }

  /**
   * Books one fill of `contracts` at `price` per share with `fee` dollars of commission. A buy opens or adds, a
   * sell closes (the book holds long options only). Returns the round trip a sell completes, if any; the object
   * is reused by the next call, so copy what you keep. `bar` is the underlying's bar index (bars held).
   */
  applyFill(
    symbol: string,
    side: Side,
    contracts: number,
    price: number,
    fee: number,
    time: number,
    bar: number,
    exitReason: ExitReason,
  ): ClosedTrade | undefined {
    if (!isWholeContracts(contracts)) {
      throw new Error(`fill of ${contracts} contracts of ${symbol}: options fill in whole contracts`);
    }
    if (!Number.isFinite(price) || price < 0 || !(fee >= 0) || !Number.isFinite(fee)) {
      throw new Error(`bad fill for ${symbol}: ${contracts} contracts at ${price}, commission ${fee}`);
    }
    const dollars = price * CONTRACT_MULTIPLIER * contracts;
    if (side === 'buy') {
      let holding = this.find(symbol);
      if (holding === undefined) {
        holding = new Holding(symbol, parseOccSymbol(symbol), time, bar);
        this.held.push(holding);
      }
      const before = holding.contracts;
      holding.avgPremium = (before * holding.avgPremium + contracts * price) / (before + contracts);
      holding.contracts = before + contracts;
      holding.openingFees += fee;
      holding.entryContracts += contracts;
      holding.entryNotional += contracts * price;
      holding.fees += fee;
      this.cash -= dollars + fee;
      this.fees += fee;
      return undefined;
    }

    const holding = this.find(symbol);
    if (holding === undefined || holding.contracts < contracts) {
      throw new Error(
        `sell of ${contracts} contracts of ${symbol}: only ${holding?.contracts ?? 0} held (the book holds long options only)`,
      );
    }
    // The closed share of the opening commission is realized with the sale, so the day's P&L counts both sides.
    const openingShare = (holding.openingFees * contracts) / holding.contracts;
    const gross = (price - holding.avgPremium) * CONTRACT_MULTIPLIER * contracts;
    const net = gross - fee - openingShare;
    this.cash += dollars - fee;
    this.fees += fee;
    this.realized += net;
    this.dayPnl += net;
    holding.openingFees -= openingShare;
    holding.contracts -= contracts;
    holding.exitContracts += contracts;
    holding.exitNotional += contracts * price;
    holding.fees += fee;
    holding.gross += gross;
    if (holding.contracts > 0) return undefined;

    this.held.splice(this.held.indexOf(holding), 1);
    const trade = this.closed;
    trade.symbol = symbol;
    trade.side = 'long';
    trade.qty = holding.entryContracts;
    trade.entryTime = holding.openedAt;
    trade.entryPrice = holding.entryNotional / holding.entryContracts;
    trade.exitTime = time;
    trade.exitPrice = holding.exitNotional / holding.exitContracts;
    trade.pnl = holding.gross - holding.fees;
    trade.fees = holding.fees;
    trade.barsHeld = bar - holding.openedAtBar;
    trade.exitReason = exitReason;
    return trade;
  }

  /**
   * What each holding expiring on `day` settles at per share with the underlying at `underlyingPrice`: its intrinsic
   * value (put: max(K − S, 0), call: max(S − K, 0)), the simulator's expiry rule. The caller books each as a sell
   * without commission (exit reason expiry).
   */
  expiring(day: string, underlyingPrice: number): { holding: OptionHolding; price: number }[] {
    const settling: { holding: OptionHolding; price: number }[] = [];
    for (const holding of this.held) {
      if (holding.contract.expiry !== day) continue;
      const { right, strike } = holding.contract;
      settling.push({ holding, price: intrinsicValue(right, underlyingPrice, strike) });
    }
    return settling;
  }

  private find(symbol: string): Holding | undefined {
    const held = this.held;
    for (let k = 0; k < held.length; k++) if (held[k]!.symbol === symbol) return held[k];
    return undefined;
  }
}

/** A holding as the UI's positions table shows it, with the quote of now (or none). */
export function optionPositionRow(holding: OptionHolding, quote: OptionQuote | undefined): OptionPositionRow {
  const bid = quote?.bid ?? null;
  return {
    symbol: holding.symbol,
    underlying: holding.contract.root,
    right: holding.contract.right,
    strike: holding.contract.strike,
    expiry: holding.contract.expiry,
    contracts: holding.contracts,
    avgPremium: holding.avgPremium,
    bid,
    ask: quote?.ask ?? null,
    unrealizedPnl:
      bid === null
        ? null
        : (bid - holding.avgPremium) * CONTRACT_MULTIPLIER * holding.contracts - holding.openingFees,
  };
}

/**
 * What must always hold, as broken rules (empty when all is well), for tests: equity is cash plus the holdings at
 * their marks, and equals the starting cash plus realized P&L plus what the holdings would gain at their marks.
 */
export function optionBookProblems(book: OptionBook, tolerance = 1e-6): string[] {
  const problems: string[] = [];
  let marked = book.cash;
  let unrealized = 0;
  for (const holding of book.holdings()) {
    const price = Number.isNaN(holding.bid) ? holding.avgPremium : holding.bid;
    if (!isWholeContracts(holding.contracts))
      problems.push(`${holding.symbol}: ${holding.contracts} contracts`);
    marked += holding.contracts * price * CONTRACT_MULTIPLIER;
    unrealized +=
      (price - holding.avgPremium) * CONTRACT_MULTIPLIER * holding.contracts - holding.openingFees;
  }
  const scale = Math.max(1, book.startingCash);
  if (Math.abs(book.markToMarket() - marked) > tolerance * scale) {
    problems.push(`equity ${book.equity} ≠ cash + Σ contracts × mark × 100 = ${marked}`);
  }
  const accounted = book.startingCash + book.realized + unrealized;
  if (Math.abs(marked - accounted) > tolerance * scale) {
    problems.push(`equity ${marked} ≠ starting cash + realized + unrealized = ${accounted}`);
  }
  return problems;
}
