// A session config as the forms edit it: the draft the "New session" form and the config editor hold, how it is
// read from and written back to a stored config, what makes it invalid, and the diff the editor shows.
import type { StrategyInfo } from '../../../../shared/domain/backtest';
import type { Timeframe } from '../../../../shared/domain/bars';
import type { AlpacaDataFeed } from '../../../../shared/domain/credentials';
import { feedSpeedSchema, inputSchemaOf, startingCashSchema } from '../../../../shared/domain/run-limits';
import type { SessionVenue } from '../../../../shared/domain/session';
import { parseSymbols } from '../../components/alpaca/symbols';

import { type AccountType, accountTypeOf } from '../../components/form/AccountRow';
import { numberProblem } from '../../components/form/NumberField';
import type { StrategyParams } from '../../components/form/StrategyPicker';
import { defaultParamsOf } from '../../components/form/StrategyPicker';
import { firstFormProblem, type JsonSchema } from '../../components/form/schema-model';

import { feedSpeed } from '../../stores/sessions/session-state';

export type Config = Record<string, unknown>;

// The same limits main's session config checks (shared/domain/run-limits), for the inputs and their messages.
export const CASH_SCHEMA = inputSchemaOf(startingCashSchema) as JsonSchema;
export const SPEED_SCHEMA = inputSchemaOf(feedSpeedSchema) as JsonSchema;
interface FormPart {
  values: Record<string, unknown>;
  valid: boolean;
}

/** An options session as the form holds it: Phase 4D SPY puts, its preset and where its volatility comes from. */
export interface OptionsDraft {
  preset: '2k' | '25k';
  volSource: 'synthetic' | 'csv' | 'alpaca';
  /** The VIX_History.csv path, for the csv source. */
  vixFile: string;
}

/** The one underlying an options session trades. */
export const OPTIONS_UNDERLYING = 'SPY';

/** The editable part of a session config, as the form holds it. */
export interface ConfigDraft {
  /** null: the session trades its symbols with a strategy; else Phase 4D SPY puts. */
  options: OptionsDraft | null;
  venue: SessionVenue;
  /** The synthetic symbols picked for the simulator. */
  symbols: string[];
  /** The Alpaca symbols as typed ("SPY, AAPL"). */
  alpacaSymbols: string;
  alpacaFeed: AlpacaDataFeed;
  /** Alpaca only: a simulator twin on the same live bars. */
  shadow: boolean;
  timeframe: Timeframe;
  speed: number;
  cash: number;
  /** The simulator's account; an Alpaca session trades under the Alpaca account's own rules. */
  account: AccountType;
  strategyId: string;
  params: StrategyParams;
  risk: FormPart;
}

/** The Alpaca data feed of a session config; IEX unless it says SIP. */
export function alpacaFeedOf(config: Readonly<Config> | undefined): AlpacaDataFeed {
  const feed = config?.['feed'] as { kind?: unknown; feed?: unknown } | undefined;
  return feed?.kind === 'alpaca' && feed.feed === 'sip' ? 'sip' : 'iex';
}

export function draftFrom(config: Config | undefined, strategies: readonly StrategyInfo[]): ConfigDraft {
  const strategy = config?.['strategy'] as { id?: string; params?: Record<string, unknown> } | undefined;
  const strategyId = strategy?.id ?? 'sma-crossover';
  const schema = strategies.find((s) => s.id === strategyId)?.paramsSchema as JsonSchema | undefined;
  const params = strategy?.params ?? {};
  const venue: SessionVenue = config?.['venueKind'] === 'alpaca-paper' ? 'alpaca-paper' : 'simulated';
  const symbols = config?.['symbols'] as string[] | undefined;
  return {
    options: optionsDraftOf(config?.['options']),
    venue,
    symbols: venue === 'simulated' ? [...(symbols ?? ['ACME'])] : ['ACME'],
    alpacaSymbols: venue === 'alpaca-paper' ? (symbols ?? []).join(', ') : 'SPY',
    alpacaFeed: alpacaFeedOf(config),
    shadow: config?.['shadow'] === true,
    timeframe: (config?.['timeframe'] as Timeframe | undefined) ?? '1m',
    speed: feedSpeed(config) ?? 120,
    cash: (config?.['cash'] as number | undefined) ?? 100_000,
    account: accountTypeOf(config),
    strategyId,
    params: defaultParamsOf(schema, params),
    risk: { values: (config?.['risk'] as Record<string, unknown> | undefined) ?? {}, valid: true },
  };
}

function optionsDraftOf(value: unknown): OptionsDraft | null {
  if (value === null || typeof value !== 'object') return null;
  const options = value as { preset?: unknown; volSource?: unknown };
  const source = typeof options.volSource === 'string' ? options.volSource : 'synthetic';
  return {
    preset: options.preset === '25k' ? '25k' : '2k',
    volSource: source.startsWith('csv:') ? 'csv' : source === 'alpaca' ? 'alpaca' : 'synthetic',
    vixFile: source.startsWith('csv:') ? source.slice(4) : '',
  };
}

/** The session's `options` as main takes it. */
function optionsConfigOf(options: OptionsDraft): Config {
  const volSource = options.volSource === 'csv' ? `csv:${options.vixFile.trim()}` : options.volSource;
  return { strategy: 'phase4d', preset: options.preset, volSource };
}

/** The config session:create takes: `{ symbols, timeframe, cash, account, venueKind, feed, strategy, risk }`. */
export function configOf(draft: ConfigDraft): Config {
  const alpaca = draft.venue === 'alpaca-paper';
  if (draft.options !== null) {
    // Phase 4D trades puts on SPY: no equity strategy or risk settings of its own.
    return {
      symbols: [OPTIONS_UNDERLYING],
      timeframe: draft.timeframe,
      cash: draft.cash,
      venueKind: draft.venue,
      feed: alpaca
        ? { kind: 'alpaca', feed: draft.alpacaFeed }
        : { kind: 'synthetic-live', speed: draft.speed },
      options: optionsConfigOf(draft.options),
    };
  }
  return {
    symbols: alpaca ? parseSymbols(draft.alpacaSymbols) : draft.symbols,
    timeframe: draft.timeframe,
    cash: draft.cash,
    account: { type: draft.account },
    venueKind: draft.venue,
    feed: alpaca
      ? { kind: 'alpaca', feed: draft.alpacaFeed }
      : { kind: 'synthetic-live', speed: draft.speed },
    strategy: { id: draft.strategyId, params: draft.params.values },
    risk: draft.risk.values,
    // Only said when on: a simulator session never carries a twin.
    ...(alpaca && draft.shadow && { shadow: true }),
  };
}

const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.\-/]{0,14}$/;

/** What is wrong with the typed Alpaca symbols, in words; null when they will do. */
export function alpacaSymbolsProblem(text: string): string | null {
  const symbols = parseSymbols(text);
  if (symbols.length === 0) return 'Type at least one symbol, e.g. SPY or AAPL.';
  if (symbols.length > 10) return `At most 10 symbols per session (${symbols.length} typed).`;
  const bad = symbols.find((s) => !SYMBOL_PATTERN.test(s));
  return bad === undefined
    ? null
    : `“${bad}” is not a symbol: 1–15 capital letters, digits, “.”, “-” or “/”.`;
}

/** A risk setting as the session will run it: the form's value, else the schema's default. */
function riskValue(draft: ConfigDraft, riskSchema: JsonSchema | undefined, key: string): number {
  const value = draft.risk.values[key] ?? riskSchema?.properties?.[key]?.default;
  return typeof value === 'number' ? value : 0;
}

/** Alpaca's OCO exits take a fixed stop: a trailing stop and a take-profit cannot both be on (main refuses it). */
export function alpacaExitProblem(draft: ConfigDraft, riskSchema: JsonSchema | undefined): string | null {
  if (draft.venue !== 'alpaca-paper') return null;
  return riskValue(draft, riskSchema, 'trailingStop') > 0 && riskValue(draft, riskSchema, 'takeProfit') > 0
    ? 'Alpaca cannot pair a trailing stop with a take-profit: set one of them to 0 under Risk.'
    : null;
}

/** What keeps the draft from being saved, in words naming the field; null when it can be. */
export function draftProblem(draft: ConfigDraft, riskSchema: JsonSchema | undefined): string | null {
  const alpaca = draft.venue === 'alpaca-paper';
  if (draft.options !== null) return optionsProblem(draft, draft.options);
  if (alpaca) {
    const problem = alpacaSymbolsProblem(draft.alpacaSymbols) ?? alpacaExitProblem(draft, riskSchema);
    if (problem !== null) return problem;
  } else {
    if (draft.symbols.length === 0) return 'Pick at least one symbol.';
    const speed = numberProblem(SPEED_SCHEMA, draft.speed);
    if (speed !== undefined) return `Speed: ${speed}`;
  }
  const cash = numberProblem(CASH_SCHEMA, draft.cash);
  if (cash !== undefined) return `${alpaca ? 'Capital' : 'Starting cash'}: ${cash}`;
  if (!draft.params.valid) return draft.params.problem ?? 'Strategy parameters: fix the marked field';
  if (!draft.risk.valid)
    return firstFormProblem(riskSchema, draft.risk.values, 'risk') ?? 'Risk: fix the marked field';
  return null;
}

/** What keeps an options draft from being saved, in words naming the field. */
function optionsProblem(draft: ConfigDraft, options: OptionsDraft): string | null {
  if (options.volSource === 'csv' && options.vixFile.trim() === '')
    return 'Volatility: type the path of your VIX_History.csv file.';
  if (options.volSource === 'alpaca' && draft.venue !== 'alpaca-paper')
    return 'Volatility: Alpaca’s VIX is for Alpaca paper sessions; pick synthetic or a VIX file.';
  if (draft.venue !== 'alpaca-paper') {
    const speed = numberProblem(SPEED_SCHEMA, draft.speed);
    if (speed !== undefined) return `Speed: ${speed}`;
  }
  const cash = numberProblem(CASH_SCHEMA, draft.cash);
  return cash === undefined
    ? null
    : `${draft.venue === 'alpaca-paper' ? 'Capital' : 'Starting cash'}: ${cash}`;
}

export function draftValid(draft: ConfigDraft, riskSchema: JsonSchema | undefined): boolean {
  return draftProblem(draft, riskSchema) === null;
}

/** Leaf paths of a config ("risk.stopLoss") with their JSON values, for the diff. */
function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) leaves(v, path ? `${path}.${key}` : key, out);
  } else if (value !== undefined) {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

export interface ConfigChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** The fields that differ between two configs, with their old and new values ("—" where absent). */
export function diffConfigs(before: unknown, after: unknown): ConfigChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) => ({ path: p, before: a.get(p) ?? '—', after: b.get(p) ?? '—' }));
}
