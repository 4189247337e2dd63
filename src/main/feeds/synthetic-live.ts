// The synthetic market as paper sessions trade it: the seeded generator without end, closed on NYSE holidays
// (equities) and open every day (crypto), released at a pace. A test can shock its prices from the next bar on.
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import { isTradingDay } from '../market/calendar';
import type { MarketCalendar } from '../market/new-york-time';
import type { SymbolBar } from './live-bar-assembler';
import { type BarTimes, barIntervalMs, PacedFeed, type TimerFunctions } from './paced-feed';
import { generateMarket } from './synthetic';

export function syntheticSessionMarket(
  seed: number,
  symbols: readonly string[],
  bars: number,
  timeframe: Timeframe,
  calendar: MarketCalendar,
): BarSeries[] {
  return generateMarket({
    seed,
    symbols,
    bars,
    timeframe,
    calendar,
    tradingDay: (day) => isTradingDay(calendar, day),
  });
}

/** Prices of one symbol multiplied by `factor` from bar index `fromIndex` on (a test drives the market with it). */
interface PriceShock {
  readonly symbolIndex: number;
  readonly factor: number;
  readonly fromIndex: number;
}

export class SyntheticMarket implements BarTimes {
  private series: BarSeries[] = [];
  private readonly shocks: PriceShock[] = [];

  constructor(
    private readonly seed: number,
    private readonly symbols: readonly string[],
    private readonly timeframe: Timeframe,
    private readonly calendar: MarketCalendar,
  ) {}

  /** The bars of every symbol at bar index `k` (generated in growing chunks; earlier bars never change). */
  barsAt(k: number): SymbolBar[] {
    if (this.series.length === 0 || k >= this.series[0]!.length) {
      const size = Math.max(1_024, 2 ** Math.ceil(Math.log2(k + 1)) * 2);
      this.series = syntheticSessionMarket(this.seed, this.symbols, size, this.timeframe, this.calendar);
    }
    return this.series.map((s, n) => {
      const factor = this.shockFactor(n, k);
      return {
        symbol: s.symbol,
        time: s.time[k]!,
        open: s.open[k]! * factor,
        high: s.high[k]! * factor,
        low: s.low[k]! * factor,
        close: s.close[k]! * factor,
        volume: s.volume[k]!,
      };
    });
  }

  /**
   * Multiplies `symbol`'s open, high, low and close by `factor` at every bar index ≥ `fromIndex` (volume as is);
   * shocks compound. Applied as bars are read, so chunks generated later carry them too.
   */
  shock(symbol: string, factor: number, fromIndex: number): void {
    const symbolIndex = this.symbols.indexOf(symbol);
    if (symbolIndex < 0) {
      throw new Error(`shock symbol "${symbol}" is not in this market (${this.symbols.join(', ')})`);
    }
    if (!Number.isFinite(factor) || factor <= 0) {
      throw new Error(`shock factor must be a finite number above 0, got ${factor}`);
    }
    if (!Number.isInteger(fromIndex) || fromIndex < 0) {
      throw new Error(`shock fromIndex must be a whole number ≥ 0, got ${fromIndex}`);
    }
    this.shocks.push({ symbolIndex, factor, fromIndex });
  }

  private shockFactor(symbolIndex: number, k: number): number {
    let factor = 1;
    for (const shock of this.shocks) {
      if (shock.symbolIndex === symbolIndex && k >= shock.fromIndex) factor *= shock.factor;
    }
    return factor;
  }
}

export interface SyntheticLiveOptions {
  readonly seed: number;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly calendar: MarketCalendar;
  /** How many times faster than real time bars are released. */
  readonly speed: number;
  readonly timers?: TimerFunctions;
}

export class SyntheticLiveFeed extends PacedFeed {
  private readonly synthetic: SyntheticMarket;

  constructor(options: SyntheticLiveOptions) {
    const market = new SyntheticMarket(options.seed, options.symbols, options.timeframe, options.calendar);
    super(market, barIntervalMs(options.timeframe, options.speed), options.timers);
    this.synthetic = market;
  }

  /** Test hook: multiplies `symbol`'s prices by `factor` from the next bar time not yet released. */
  shock(symbol: string, factor: number): void {
    this.synthetic.shock(symbol, factor, this.released);
  }
}
