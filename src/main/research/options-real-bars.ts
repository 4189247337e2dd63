// The options backtest on real option bars where they exist: the engine is synchronous, so the run is made twice.
// First with the model alone, recording which contracts it quoted on which days (the strategy's choice of strike and
// expiry depends on the underlying and the day, not on the option's price); then those contracts' bars are fetched
// (the caller's `fetchBars`: Alpaca's, in adapters/alpaca); then again with the bars, the model filling in where there
// is none. The comparison says what the real prices changed: per trade (compare.csv) and in total (report.json).
import {
  type BarQuoteSource,
  barQuoteSource,
  DEFAULT_STALENESS_MS,
  FALLBACK_WORDS,
  type FallbackReason,
  OPTION_BARS_FIRST_DAY,
  type OptionBarClose,
  type QuoteOrigin,
  REAL_BARS_LABEL,
  recordingQuotes,
} from '../feeds/option-bar-quotes';
import { calendarDay } from '../market/calendar';
import { isoDate } from '../market/nyse-holidays';
import { Phase4dParamsSchema, phase4dSettings } from '../strategies/phase4d';
import {
  type OptionsBacktestInput,
  type OptionsBacktestResult,
  runOptionsBacktest,
} from './options-backtest';
import { dollars, type OptionsReport, type OptionTrade } from './options-report';
import { num } from './report';

/** What the fetch of the model run's contracts brought back. */
export interface RealOptionBars {
  readonly bars: ReadonlyMap<string, readonly OptionBarClose[]>;
  readonly fetched: (symbol: string, day: string) => boolean;
  /** In words for the report's notes: how many days, bars, requests. */
  readonly notes: readonly string[];
}

export type FetchOptionBars = (byDay: ReadonlyMap<string, ReadonlySet<string>>) => Promise<RealOptionBars>;

/** One run's headline figures, for the comparison's two columns. */
export interface RunTotals {
  readonly totalPnl: number;
  readonly trades: number;
  readonly winRate: number | null;
  readonly executionRate: number | null;
  readonly tradedDays: number;
  readonly tradingDays: number;
  readonly averageDailyPnl: number | null;
}

/** report.json's `priceComparison`: the model run against the real-bar run. */
export interface PriceComparison {
  readonly label: string;
  readonly rule: string;
  readonly listing: string;
  readonly quotes: {
    /** Distinct contract-and-time quotes of the real-bar run. */
    readonly total: number;
    readonly fromBars: number;
    readonly fallback: number;
    /** fromBars ÷ total, 0–1; null without a quote. */
    readonly realShare: number | null;
    readonly fallbackByReason: Readonly<Record<string, number>>;
  };
  readonly model: RunTotals;
  readonly real: RunTotals;
  /** Real − model, dollars. */
  readonly pnlDifference: number;
  readonly notes: readonly string[];
}

/** One row of compare.csv: a trading day's trade in either run, side by side. */
export interface CompareRow {
  readonly day: string;
  readonly symbol: string;
  readonly model: OptionTrade | undefined;
  readonly real: OptionTrade | undefined;
  readonly quotesFromBars: number;
  readonly quotesFallback: number;
}

export interface RealBarsResult {
  /** The run on real bars (what trades.csv, fills.csv, equity.csv hold). */
  readonly real: OptionsBacktestResult;
  readonly model: OptionsBacktestResult;
  readonly comparison: PriceComparison;
  readonly rows: readonly CompareRow[];
}

export async function runOptionsWithRealBars(
  input: OptionsBacktestInput,
  fetchBars: FetchOptionBars,
  stalenessMs: number = DEFAULT_STALENESS_MS,
): Promise<RealBarsResult> {
  // Pass 1: the model alone, recording the contracts it quoted.
  let recorded: ReturnType<typeof recordingQuotes> | undefined;
  const model = runOptionsBacktest({
    ...input,
    quotes: (source) => {
      recorded = recordingQuotes(source);
      return recorded;
    },
  });
  const fetched = await fetchBars(recorded!.byDay);
  // Pass 2: the same run on the bars.
  const settings = phase4dSettings(Phase4dParamsSchema.parse({ ...input.params, preset: input.preset }));
  let source: BarQuoteSource | undefined;
  const real = runOptionsBacktest({
    ...input,
    notes: [...(input.notes ?? []), ...fetched.notes],
    quotes: (synthetic) => {
      source = barQuoteSource({
        model: synthetic,
        bars: fetched.bars,
        fetched: fetched.fetched,
        spread: settings.spread,
        stalenessMs,
      });
      return source;
    },
  });
  const origins = source!.origins();
  const rows = compareRows(model.trades, real.trades, origins);
  return {
    real,
    model,
    rows,
    comparison: comparisonOf(model.report, real.report, origins, stalenessMs, fetched.notes),
  };
}

function totalsOf(report: OptionsReport): RunTotals {
  return {
    totalPnl: report.totalPnl,
    trades: report.trades,
    winRate: report.winRate,
    executionRate: report.executionRate,
    tradedDays: report.tradedDays,
    tradingDays: report.tradingDays,
    averageDailyPnl: report.averageDailyPnl,
  };
}

export function comparisonOf(
  model: OptionsReport,
  real: OptionsReport,
  origins: readonly QuoteOrigin[],
  stalenessMs: number,
  notes: readonly string[],
): PriceComparison {
  const fallbackByReason: Partial<Record<FallbackReason, number>> = {};
  let fromBars = 0;
  for (const origin of origins) {
    if (origin.from === 'bars') fromBars++;
    else if (origin.reason !== undefined)
      fallbackByReason[origin.reason] = (fallbackByReason[origin.reason] ?? 0) + 1;
  }
  const words: Record<string, number> = {};
  for (const [reason, n] of Object.entries(fallbackByReason))
    words[FALLBACK_WORDS[reason as FallbackReason]] = n;
  return {
    label: REAL_BARS_LABEL,
    rule: `at a time t, the close of the contract's last 1-minute bar completed at or before t (never a bar still open at t or after it), if it closed at most ${stalenessMs / 60_000} minutes before t; bid/ask = that close ∓ the preset's spread/2 (bid rounded down, ask up, to the cent); otherwise the model's quote (no bars before ${OPTION_BARS_FIRST_DAY})`,
    listing:
      "the model's listing ($1 strikes, one expiry per trading day), so both runs choose the same contracts; a contract Alpaca did not list has no bars and is priced by the model",
    quotes: {
      total: origins.length,
      fromBars,
      fallback: origins.length - fromBars,
      realShare: origins.length > 0 ? fromBars / origins.length : null,
      fallbackByReason: words,
    },
    model: totalsOf(model),
    real: totalsOf(real),
    pnlDifference: real.totalPnl - model.totalPnl,
    notes,
  };
}

const dayOf = (time: number): string => isoDate(calendarDay('us-equities', time));

/** The two runs' trades paired by day and contract (each run makes at most one entry a day), in day order. */
export function compareRows(
  model: readonly OptionTrade[],
  real: readonly OptionTrade[],
  origins: readonly QuoteOrigin[],
): CompareRow[] {
  const keyOf = (t: OptionTrade) => `${dayOf(t.entryTime)} ${t.symbol}`;
  const modelBy = new Map(model.map((t) => [keyOf(t), t]));
  const realBy = new Map(real.map((t) => [keyOf(t), t]));
  const keys = [...new Set([...modelBy.keys(), ...realBy.keys()])].sort();
  const bySymbol = new Map<string, QuoteOrigin[]>();
  for (const origin of origins) {
    const list = bySymbol.get(origin.symbol) ?? [];
    bySymbol.set(origin.symbol, list);
    list.push(origin);
  }
  return keys.map((key) => {
    const [day, symbol] = key.split(' ') as [string, string];
    const realTrade = realBy.get(key);
    // The real run's quotes of the contract while it was held (entry to exit), else over its day.
    const within = (o: QuoteOrigin) =>
      realTrade !== undefined
        ? o.time >= realTrade.entryTime && o.time <= realTrade.exitTime
        : dayOf(o.time) === day;
    const held = (bySymbol.get(symbol) ?? []).filter(within);
    const fromBars = held.filter((o) => o.from === 'bars').length;
    return {
      day,
      symbol,
      model: modelBy.get(key),
      real: realTrade,
      quotesFromBars: fromBars,
      quotesFallback: held.length - fromBars,
    };
  });
}

export const COMPARE_COLUMNS = [
  'day',
  'symbol',
  'model_entry_price',
  'real_entry_price',
  'model_exit_price',
  'real_exit_price',
  'model_pnl',
  'real_pnl',
  'model_exit_reason',
  'real_exit_reason',
  'quotes_from_bars',
  'quotes_fallback',
] as const;

/** compare.csv's text: one row per day and contract traded in either run; an empty cell where a run did not trade. */
export function compareCsv(rows: readonly CompareRow[]): string {
  const cell = (value: number | undefined) => (value === undefined ? '' : num(value));
  const lines = [COMPARE_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      [
        row.day,
        row.symbol,
        cell(row.model?.entryPrice),
        cell(row.real?.entryPrice),
        cell(row.model?.exitPrice),
        cell(row.real?.exitPrice),
        cell(row.model?.pnl),
        cell(row.real?.pnl),
        row.model?.exitReason ?? '',
        row.real?.exitReason ?? '',
        String(row.quotesFromBars),
        String(row.quotesFallback),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function share(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** The comparison as label → value lines: the CLI prints them, the tearsheet lists them among its facts. */
export function comparisonFacts(comparison: PriceComparison): [string, string][] {
  const { quotes, model, real } = comparison;
  const fallbacks = Object.entries(quotes.fallbackByReason)
    .map(([reason, n]) => `${n} ${reason}`)
    .join('; ');
  return [
    [
      'Real bars',
      `${quotes.fromBars} of ${quotes.total} quotes (${share(quotes.realShare)}); model ${quotes.fallback}${fallbacks ? `: ${fallbacks}` : ''}`,
    ],
    [
      'Model vs real',
      `P&L ${dollars(model.totalPnl)} vs ${dollars(real.totalPnl)}; win rate ${share(model.winRate)} vs ${share(real.winRate)}; execution ${share(model.executionRate)} vs ${share(real.executionRate)}`,
    ],
  ];
}

/** The comparison in a few lines for the CLI. */
export function comparisonSummary(comparison: PriceComparison): string {
  return comparisonFacts(comparison)
    .map(([label, text]) => `${label.padEnd(14)}${text}`)
    .join('\n');
}
