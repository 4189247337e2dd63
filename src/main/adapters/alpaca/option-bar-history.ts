// Alpaca's historical option bars for a backtest: the contracts a model run quoted, one request (paged) per trading
// day with that day's contracts, 1-minute bars over the regular session, through the key's request budget. Days
// before Alpaca's option history (February 2024) are not asked for. The bars are held in memory for the run's second
// pass: the app's SQLite bar cache is keyed for stock and crypto series in the app's database, which the command-line
// backtest does not open, and a year of one contract a day is some 100,000 small bars — cheap to hold, cheap to fetch
// again.
import { OPTION_BARS_FIRST_DAY, type OptionBarClose } from '../../feeds/option-bar-quotes';
import { sessionOnDay } from '../../market/calendar';
import type { AlpacaOptionData } from './options';

export interface FetchedOptionBars {
  /** 1-minute bars per OCC symbol, ascending. */
  readonly bars: ReadonlyMap<string, readonly OptionBarClose[]>;
  /** Whether bars of `symbol` were asked for on `day` (YYYY-MM-DD). */
  readonly fetched: (symbol: string, day: string) => boolean;
  /** Trading days asked for, and those left out because they are before Alpaca's option history. */
  readonly daysFetched: number;
  readonly daysBeforeHistory: number;
  /** Bars received over all contracts. */
  readonly barCount: number;
}

/** Fetches the bars of `byDay`'s contracts (YYYY-MM-DD → OCC symbols), a day at a time, oldest first. */
export async function fetchOptionBars(
  data: AlpacaOptionData,
  byDay: ReadonlyMap<string, ReadonlySet<string>>,
  onDay?: (day: string, done: number, total: number) => void,
): Promise<FetchedOptionBars> {
  const bars = new Map<string, OptionBarClose[]>();
  const asked = new Set<string>();
  let daysFetched = 0;
  let daysBeforeHistory = 0;
  let barCount = 0;
  const days = [...byDay.keys()].sort();
  for (const [k, day] of days.entries()) {
    if (day < OPTION_BARS_FIRST_DAY) {
      daysBeforeHistory++;
      continue;
    }
    const session = sessionOnDay('us-equities', day);
    const symbols = [...(byDay.get(day) ?? [])].sort();
    if (session === null || symbols.length === 0) continue;
    // Bars that start in the session: the last one starts a minute before the close.
    const answer = await data.bars(symbols, '1Min', session.open, session.close - 60_000);
    for (const symbol of symbols) {
      asked.add(`${symbol}@${day}`);
      const list = bars.get(symbol) ?? [];
      bars.set(symbol, list);
      for (const bar of answer[symbol] ?? []) {
        list.push({ time: bar.time, close: bar.close });
        barCount++;
      }
    }
    daysFetched++;
    onDay?.(day, k + 1, days.length);
  }
  // A contract fetched on several days gets its days' bars in day order already; keep them strictly ascending.
  for (const list of bars.values()) list.sort((a, b) => a.time - b.time);
  return {
    bars,
    fetched: (symbol, day) => asked.has(`${symbol}@${day}`),
    daysFetched,
    daysBeforeHistory,
    barCount,
  };
}
