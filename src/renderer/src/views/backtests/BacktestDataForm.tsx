// Where a backtest's bars come from: the synthetic market (symbols, timeframe, bars, seed), a CSV file on the
// machine running MarketBoss (its full path; read and checked in main, errors name the file, line and field), or
// Alpaca history (fetched once with the saved paper keys into the market-data cache, read from there after).

import { fieldLabel } from '../../../../shared/api/field-errors';
import {
  type BacktestDataInput,
  backtestCsvFileSchema,
  syntheticDataSchema,
} from '../../../../shared/domain/backtest';
import { TIMEFRAMES, type Timeframe } from '../../../../shared/domain/bars';
import { inputSchemaOf } from '../../../../shared/domain/run-limits';
import { parseSymbols, withSymbol } from '../../components/alpaca/symbols';
import { NumberField, numberProblem } from '../../components/form/NumberField';
import { SymbolPicks } from '../../components/form/SymbolPicks';
import type { JsonSchema } from '../../components/form/schema-model';
import { TimeframeRow } from '../../components/form/TimeframeRow';
import { SymbolFinder } from '../../components/symbols/SymbolFinder';

export interface DataChoice {
  readonly source: 'synthetic' | 'csv' | 'alpaca';
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly bars: number;
  readonly seed: number | null;
  readonly csvPath: string;
  /** Empty: the symbol guessed from the file name. */
  readonly csvSymbol: string;
  /** null: inferred from the steps between the file's bars. */
  readonly csvTimeframe: Timeframe | null;
  readonly skipInvalid: boolean;
  /** Alpaca: symbols as typed ("AAPL, MSFT"). */
  readonly alpacaSymbols: string;
  /** Alpaca: first and last day (YYYY-MM-DD, UTC); an empty last day means up to now. */
  readonly alpacaFrom: string;
  readonly alpacaTo: string;
  readonly alpacaFeed: 'iex' | 'sip';
}

export const DEFAULT_DATA_CHOICE: DataChoice = {
  source: 'synthetic',
  symbols: ['ACME'],
  timeframe: '1D',
  bars: 756,
  seed: null,
  csvPath: '',
  csvSymbol: '',
  csvTimeframe: null,
  skipInvalid: false,
  alpacaSymbols: 'SPY',
  alpacaFrom: '',
  alpacaTo: '',
  alpacaFeed: 'iex',
};

const DAY_MS = 86_400_000;

// The synthetic market's limits as main checks them (shared/domain/backtest), for the inputs and their messages.
const BARS_SCHEMA = inputSchemaOf(syntheticDataSchema.shape.bars) as JsonSchema;
const SEED_SCHEMA = inputSchemaOf(syntheticDataSchema.shape.seed) as JsonSchema;
/** `2024-01-31` → its 00:00 UTC in epoch ms, or NaN. */
const dayStart = (day: string): number =>
  /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;

/** `/data/spy_daily.csv` → "SPY_DAILY" cleaned to a symbol: "SPY". */
export function symbolFromPath(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? '';
  const stem = file.replace(/\.[^.]*$/, '').toUpperCase();
  const match = /^[A-Z][A-Z0-9.\-/]{0,14}/.exec(stem);
  return match ? match[0] : '';
}

/** A full path on Linux and macOS (/…), Windows (C:\… or \\server\…); main checks again. */
const looksAbsolute = (path: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);

/** What keeps the choice from being run, in words; null when it can run. */
export function dataProblem(choice: DataChoice): string | null {
  if (choice.source === 'alpaca') {
    const symbols = parseSymbols(choice.alpacaSymbols);
    if (symbols.length === 0) return 'Give at least one symbol.';
    const bad = symbols.find((s) => !backtestCsvFileSchema.shape.symbol.safeParse(s).success);
    if (bad !== undefined) return `${bad} is not a symbol.`;
    if (Number.isNaN(dayStart(choice.alpacaFrom))) return 'Give the first day.';
    if (choice.alpacaTo !== '' && Number.isNaN(dayStart(choice.alpacaTo)))
      return 'The last day is not a date.';
    if (choice.alpacaTo !== '' && dayStart(choice.alpacaTo) < dayStart(choice.alpacaFrom))
      return 'The last day is before the first.';
    return null;
  }
  if (choice.source === 'synthetic') {
    if (choice.symbols.length === 0) return 'Pick at least one symbol.';
    const bars = numberProblem(BARS_SCHEMA, choice.bars);
    if (bars !== undefined) return `Bars per symbol: ${bars}.`;
    const seed = choice.seed === null ? undefined : numberProblem(SEED_SCHEMA, choice.seed);
    if (seed !== undefined) return `Seed: ${seed}.`;
    return null;
  }
  const path = choice.csvPath.trim();
  if (path === '') return 'Give the path of a CSV file.';
  if (!looksAbsolute(path)) return 'Give the full path of the file (starting with / or a drive letter).';
  const symbol = choice.csvSymbol.trim() || symbolFromPath(path);
  const checked = backtestCsvFileSchema.shape.symbol.safeParse(symbol);
  if (!checked.success) return `Symbol: ${checked.error.issues[0]?.message ?? 'not a symbol'}.`;
  return null;
}

/** The problem is a number field's, which that field already shows beside itself. */
const numberFieldProblem = (choice: DataChoice): boolean =>
  choice.source === 'synthetic' &&
  (numberProblem(BARS_SCHEMA, choice.bars) !== undefined ||
    (choice.seed !== null && numberProblem(SEED_SCHEMA, choice.seed) !== undefined));

/** The data part of a backtest:run request; call only when dataProblem() is null. */
export function dataRequest(choice: DataChoice, defaultSeed: number): BacktestDataInput {
  if (choice.source === 'alpaca') {
    return {
      source: 'alpaca',
      symbols: parseSymbols(choice.alpacaSymbols),
      timeframe: choice.timeframe,
      start: dayStart(choice.alpacaFrom),
      // The whole last day: up to its last possible bar open.
      ...(choice.alpacaTo !== '' && { end: dayStart(choice.alpacaTo) + DAY_MS - 1 }),
      feed: choice.alpacaFeed,
    };
  }
  if (choice.source === 'synthetic') {
    return {
      source: 'synthetic',
      symbols: [...choice.symbols],
      timeframe: choice.timeframe,
      bars: choice.bars,
      seed: choice.seed ?? defaultSeed,
    };
  }
  const path = choice.csvPath.trim();
  return {
    source: 'csv',
    files: [
      {
        path,
        symbol: choice.csvSymbol.trim() || symbolFromPath(path),
        ...(choice.csvTimeframe !== null && { timeframe: choice.csvTimeframe }),
        skipInvalid: choice.skipInvalid,
      },
    ],
  };
}

export function BacktestDataForm({
  choice,
  syntheticSymbols,
  defaultSeed,
  onChange,
  serverErrors,
}: {
  readonly choice: DataChoice;
  /** Main's refusal of the last run, by field under `data` (bars, seed …). */
  readonly serverErrors?: Readonly<Record<string, string>>;
  readonly syntheticSymbols: readonly string[];
  readonly defaultSeed: number | undefined;
  readonly onChange: (next: DataChoice) => void;
}) {
  const set = (patch: Partial<DataChoice>) => onChange({ ...choice, ...patch });
  const problem = dataProblem(choice);
  const guessed = symbolFromPath(choice.csvPath.trim());
  return (
    <fieldset className="bt-data">
      <legend>Data</legend>
      <div className="bt-source" role="radiogroup" aria-label="Data source">
        <label className="pick">
          <input
            type="radio"
            name="bt-source"
            value="synthetic"
            checked={choice.source === 'synthetic'}
            onChange={() => set({ source: 'synthetic' })}
          />
          Synthetic market
        </label>
        <label className="pick">
          <input
            type="radio"
            name="bt-source"
            value="csv"
            checked={choice.source === 'csv'}
            onChange={() => set({ source: 'csv' })}
          />
          CSV file
        </label>
        <label className="pick">
          <input
            type="radio"
            name="bt-source"
            value="alpaca"
            checked={choice.source === 'alpaca'}
            onChange={() => set({ source: 'alpaca' })}
          />
          Alpaca history
        </label>
      </div>
      {choice.source === 'alpaca' ? (
        <>
          <div className="form-row">
            <label htmlFor="bt-alpaca-symbols">Symbols</label>
            <input
              id="bt-alpaca-symbols"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="AAPL, MSFT, BTC/USD"
              value={choice.alpacaSymbols}
              onChange={(e) => set({ alpacaSymbols: e.target.value.toUpperCase() })}
            />
          </div>
          <SymbolFinder
            source="alpaca"
            picked={parseSymbols(choice.alpacaSymbols)}
            onAdd={(symbol) => set({ alpacaSymbols: withSymbol(choice.alpacaSymbols, symbol) })}
          />
          <TimeframeRow
            id="bt-alpaca-timeframe"
            value={choice.timeframe}
            onChange={(timeframe) => set({ timeframe })}
          />
          <div className="form-row">
            <label htmlFor="bt-alpaca-from">First day (UTC)</label>
            <input
              id="bt-alpaca-from"
              type="date"
              value={choice.alpacaFrom}
              onChange={(e) => set({ alpacaFrom: e.target.value })}
            />
          </div>
          <div className="form-row">
            <label htmlFor="bt-alpaca-to">Last day (UTC)</label>
            <input
              id="bt-alpaca-to"
              type="date"
              value={choice.alpacaTo}
              onChange={(e) => set({ alpacaTo: e.target.value })}
            />
          </div>
          <div className="form-row">
            <label htmlFor="bt-alpaca-feed">Feed</label>
            <select
              id="bt-alpaca-feed"
              value={choice.alpacaFeed}
              onChange={(e) => set({ alpacaFeed: e.target.value as 'iex' | 'sip' })}
            >
              <option value="iex">IEX (free)</option>
              <option value="sip">SIP (all exchanges, paid plan)</option>
            </select>
          </div>
          <p className="muted small">
            Uses the paper keys saved in Settings. Fetched once into the local market-data cache; later runs
            over the same days need no connection.
          </p>
        </>
      ) : choice.source === 'synthetic' ? (
        <>
          <SymbolPicks
            choices={syntheticSymbols}
            picked={choice.symbols}
            onChange={(symbols) => set({ symbols })}
          />
          <TimeframeRow
            id="bt-timeframe"
            value={choice.timeframe}
            onChange={(timeframe) => set({ timeframe })}
          />
          <NumberField
            id="bt-bars"
            label={fieldLabel('data.bars')}
            schema={BARS_SCHEMA}
            value={choice.bars}
            onChange={(bars) => set({ bars })}
            serverError={serverErrors?.['bars']}
          />
          <NumberField
            id="bt-seed"
            label={fieldLabel('data.seed')}
            schema={SEED_SCHEMA}
            required={false}
            placeholder={String(defaultSeed ?? '')}
            value={choice.seed ?? Number.NaN}
            onChange={(seed) => set({ seed: Number.isNaN(seed) ? null : seed })}
            serverError={serverErrors?.['seed']}
          />
        </>
      ) : (
        <>
          <div className="bt-path">
            <label htmlFor="bt-csv-path">File path</label>
            <input
              id="bt-csv-path"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="/home/me/data/SPY.csv"
              value={choice.csvPath}
              aria-describedby="bt-csv-help"
              aria-invalid={problem !== null && choice.csvPath !== ''}
              onChange={(e) => set({ csvPath: e.target.value })}
            />
            <p id="bt-csv-help" className="muted small">
              On the machine running MarketBoss. Columns: time (or date), open, high, low, close, volume;
              comma, semicolon or tab separated.
            </p>
          </div>
          <div className="form-row">
            <label htmlFor="bt-csv-symbol">Symbol</label>
            <input
              id="bt-csv-symbol"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder={guessed || 'SPY'}
              value={choice.csvSymbol}
              onChange={(e) => set({ csvSymbol: e.target.value.toUpperCase() })}
            />
          </div>
          <div className="form-row">
            <label htmlFor="bt-csv-timeframe">Timeframe</label>
            <select
              id="bt-csv-timeframe"
              value={choice.csvTimeframe ?? ''}
              onChange={(e) =>
                set({ csvTimeframe: e.target.value === '' ? null : (e.target.value as Timeframe) })
              }
            >
              <option value="">from the file</option>
              {TIMEFRAMES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <label className="pick bt-skip">
            <input
              type="checkbox"
              checked={choice.skipInvalid}
              onChange={(e) => set({ skipInvalid: e.target.checked })}
            />
            Skip bad rows (counted in the run's notes) instead of refusing the file
          </label>
        </>
      )}
      {problem !== null &&
        !numberFieldProblem(choice) &&
        (choice.source !== 'csv' || choice.csvPath !== '') && (
          <p className="mb-field-error bt-data-problem" role="status">
            {problem}
          </p>
        )}
    </fieldset>
  );
}
