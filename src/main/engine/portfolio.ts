// The account: cash, signed positions with average cost, realized P&L, fees, and round-trip trade extraction.
import type { ExitReason, Side, Trade } from '../../shared/domain/trading';

/** Quantities this close to zero are zero: fractional fills must not leave dust positions behind. */
const DUST = 1e-9;

/** A completed round trip as the portfolio reports it; one instance is reused, so copy what you keep. */
export class ClosedTrade implements Trade {
  symbol = '';
  side: 'long' | 'short' = 'long';
  qty = 0;
  entryTime = 0;
  entryPrice = 0;
  exitTime = 0;
  exitPrice = 0;
  pnl = 0;
  fees = 0;
  barsHeld = 0;
  exitReason: ExitReason = 'signal';
}

/** One symbol's round trip in progress, from flat to flat. */
class RoundTrip {
  long = true;
  entryQty = 0;
  entryNotional = 0;
  exitQty = 0;
  exitNotional = 0;
  fees = 0;
  realized = 0;
  entryTime = 0;
  entryBar = 0;

  start(long: boolean, time: number, bar: number): void {
    this.long = long;
    this.entryQty = 0;
    this.entryNotional = 0;
    this.exitQty = 0;
    this.exitNotional = 0;
    this.fees = 0;
    this.realized = 0;
    this.entryTime = time;
    this.entryBar = bar;
  }
}

/**
 * Positions are indexed by symbol (the engine's market order); all columns are updated in place so marking the
 * account to market each bar allocates nothing.
 */
export class Portfolio {
  declare cash: number;
  declare readonly startingCash: number;
  readonly symbols: readonly string[];
  /** Signed quantity per symbol: positive long, negative short. */
  readonly qty: Float64Array;
  readonly avgPrice: Float64Array;
  /** Last known price per symbol (the latest close or fill). */
  readonly lastPrice: Float64Array;
  /** Realized P&L before fees, per symbol. */
  readonly realizedGross: Float64Array;
  fees = 0;
  /** Equity and cash at the last markToMarket, each in a one-slot typed array (see markToMarket). */
  readonly markedEquity = new Float64Array(1);
  readonly markedCash = new Float64Array(1);
  /** Number of symbols with a non-zero position. */
  openPositions = 0;
  private readonly trips: RoundTrip[];
  private readonly closed = new ClosedTrade();

  constructor(symbols: readonly string[], cash: number) {
    if (!(cash > 0) || !Number.isFinite(cash))
      throw new Error(`starting cash ${cash} must be a positive amount`);
    this.cash = cash;
    this.startingCash = cash;
    this.symbols = symbols;
    const n = symbols.length;
    this.qty = new Float64Array(n);
    this.avgPrice = new Float64Array(n);
    this.lastPrice = new Float64Array(n);
    this.realizedGross = new Float64Array(n);
    this.trips = symbols.map(() => new RoundTrip());
  }

  mark(symbolIndex: number, price: number): void {
    this.lastPrice[symbolIndex] = price;
  }

  /** cash + Σ qty × last price. */
  equity(): number {
    const qty = this.qty;
    const price = this.lastPrice;
    let equity = this.cash;
    for (let s = 0; s < qty.length; s++) equity += qty[s]! * price[s]!;
    return equity;
  }

  /**
   * Stores equity and cash in `markedEquity[0]` and `markedCash[0]`. The hot loop reads them from there: a
   * double returned from a call V8 does not inline is boxed, which would allocate on every bar.
   */
  markToMarket(): void {
    const qty = this.qty;
    const price = this.lastPrice;
    let equity = this.cash;
    for (let s = 0; s < qty.length; s++) equity += qty[s]! * price[s]!;
    this.markedEquity[0] = equity;
    this.markedCash[0] = this.cash;
  }

  /** Σ |qty × last price|. */
  grossExposure(): number {
    let gross = 0;
    for (let s = 0; s < this.qty.length; s++) gross += Math.abs(this.qty[s]! * this.lastPrice[s]!);
    return gross;
  }

  unrealized(symbolIndex: number): number {
    return this.qty[symbolIndex]! * (this.lastPrice[symbolIndex]! - this.avgPrice[symbolIndex]!);
  }

  /** Realized P&L net of every fee paid. */
  get realizedNet(): number {
    let gross = 0;
    for (let s = 0; s < this.realizedGross.length; s++) gross += this.realizedGross[s]!;
    return gross - this.fees;
  }

  /**
   * Books one fill. Returns the round trip it completes, if any (a reversal completes one and starts the next);
   * the returned object is reused by the next call, so copy it to keep it.
   * `bar` is the symbol's bar index, used for bars held; `exitReason` labels the trade it may close.
   */
  applyFill(
    symbolIndex: number,
    side: Side,
    qty: number,
    price: number,
    fee: number,
    time: number,
    bar: number,
    exitReason: ExitReason,
  ): Trade | undefined {
    if (!(qty > 0) || !Number.isFinite(price) || !(price > 0) || !(fee >= 0)) {
      throw new Error(`bad fill for ${this.symbols[symbolIndex]}: qty ${qty} price ${price} fee ${fee}`);
    }
    const signed = side === 'buy' ? qty : -qty;
    this.cash -= signed * price + fee;
    this.fees += fee;
    this.lastPrice[symbolIndex] = price;
    const position = this.qty[symbolIndex]!;
    const trip = this.trips[symbolIndex]!;

    if (position === 0 || position > 0 === signed > 0) {
      if (position === 0) {
        trip.start(signed > 0, time, bar);
        this.openPositions++;
      }
      const held = Math.abs(position);
      this.avgPrice[symbolIndex] = (held * this.avgPrice[symbolIndex]! + qty * price) / (held + qty);
      this.qty[symbolIndex] = position + signed;
      trip.entryQty += qty;
      trip.entryNotional += qty * price;
      trip.fees += fee;
      return undefined;
    }

    const closing = Math.min(qty, Math.abs(position));
    const direction = position > 0 ? 1 : -1;
    const pnl = closing * (price - this.avgPrice[symbolIndex]!) * direction;
    const closingFee = (fee * closing) / qty;
    this.realizedGross[symbolIndex]! += pnl;
    trip.exitQty += closing;
    trip.exitNotional += closing * price;
    trip.fees += closingFee;
    trip.realized += pnl;
    let remaining = position - direction * closing;
    if (Math.abs(remaining) <= DUST * Math.max(1, Math.abs(position))) remaining = 0;
    this.qty[symbolIndex] = remaining;
    if (remaining !== 0) return undefined;

    this.avgPrice[symbolIndex] = 0;
    this.openPositions--;
    const trade = this.closed;
    trade.symbol = this.symbols[symbolIndex]!;
    trade.side = trip.long ? 'long' : 'short';
    trade.qty = trip.entryQty;
    trade.entryTime = trip.entryTime;
    trade.entryPrice = trip.entryNotional / trip.entryQty;
    trade.exitTime = time;
    trade.exitPrice = trip.exitNotional / trip.exitQty;
    trade.pnl = trip.realized - trip.fees;
    trade.fees = trip.fees;
    trade.barsHeld = bar - trip.entryBar;
    trade.exitReason = exitReason;
    const reversal = qty - closing;
    if (reversal > DUST * qty) {
      trip.start(signed > 0, time, bar);
      trip.entryQty = reversal;
      trip.entryNotional = reversal * price;
      trip.fees = fee - closingFee;
      this.qty[symbolIndex] = signed > 0 ? reversal : -reversal;
      this.avgPrice[symbolIndex] = price;
      this.openPositions++;
    }
    return trade;
  }
}

/**
 * What must always hold, as a list of broken rules (empty when all is well); for tests and a paper session's
 * periodic self-check. `equity` is checked against an independent sum so a drifting running total shows up.
 */
export function ledgerProblems(portfolio: Portfolio, tolerance = 1e-6): string[] {
  const problems: string[] = [];
  let marked = portfolio.cash;
  let unrealized = 0;
  let open = 0;
  for (let s = 0; s < portfolio.qty.length; s++) {
    marked += portfolio.qty[s]! * portfolio.lastPrice[s]!;
    unrealized += portfolio.unrealized(s);
    if (portfolio.qty[s] !== 0) open++;
    if (portfolio.qty[s] === 0 && portfolio.avgPrice[s] !== 0) {
      problems.push(`${portfolio.symbols[s]}: flat but average price ${portfolio.avgPrice[s]}`);
    }
  }
  const scale = Math.max(1, Math.abs(portfolio.startingCash));
  if (Math.abs(portfolio.equity() - marked) > tolerance * scale) {
    problems.push(`equity ${portfolio.equity()} ≠ cash + Σ qty × price ${marked}`);
  }
  const accounted = portfolio.startingCash + portfolio.realizedNet + unrealized;
  if (Math.abs(marked - accounted) > tolerance * scale) {
    problems.push(`equity ${marked} ≠ starting cash + realized − fees + unrealized ${accounted}`);
  }
  if (open !== portfolio.openPositions)
    problems.push(`open positions ${portfolio.openPositions} ≠ counted ${open}`);
  return problems;
}
