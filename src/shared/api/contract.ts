// The API contract, declared once: each call's argument schema and result type, each push topic's payload.
// Main binds handlers to it; the renderer's client and the preload are typed from it.
import { z } from 'zod';
import {
  type BacktestBars,
  type BacktestComparison,
  type BacktestOptionsInfo,
  type BacktestProgress,
  type BacktestSummary,
  backtestDataSchema,
  MAX_COMPARED_RUNS,
  MIN_COMPARED_RUNS,
  runLabelsSchema,
  type StrategyInfo,
} from '../domain/backtest';
import { TIMEFRAMES } from '../domain/bars';
import {
  type ChartIndicatorLines,
  chartIndicatorListSchema,
  type PriceLine,
  priceLineChangeSchema,
  priceLineInputSchema,
} from '../domain/chart-tools';
import {
  ALPACA_DATA_FEEDS,
  type CredentialsStatus,
  credentialsSaveSchema,
  type ValidationReport,
} from '../domain/credentials';
import {
  LOG_EXPORT_FORMATS,
  type LogPage,
  logFilterFields,
  logPageFields,
  SESSION_EVENT_KINDS,
} from '../domain/events';
import { manualOrderSchema, orderChangeSchema } from '../domain/manual-order';
import {
  type ModelDetail,
  type ModelSummary,
  modelIdSchema,
  modelImportSchema,
  type PredictionSeries,
  type TrainingProgress,
  trainRequestSchema,
} from '../domain/ml';
import type { OptionPositionRow, OptionsMonitor } from '../domain/options';
import { optionsBacktestRequestSchema } from '../domain/options-backtest';
import type { PlanOutcome, PlanPreview } from '../domain/plan';
import {
  type ParityReport,
  type PnlByPeriod,
  type ResearchDetail,
  type ResearchProgress,
  type ResearchSummary,
  researchIdSchema,
  researchRequestSchema,
} from '../domain/research';
import {
  type AlertPush,
  type BarPush,
  type DailySummary,
  type EquityPush,
  EXECUTION_MODES,
  EXPORT_KINDS,
  type ExportFile,
  type FillPush,
  type OrderPush,
  type SessionChartBars,
  type SessionComparison,
  type SessionDetail,
  type SessionSnapshot,
  type SessionStatePush,
  type SessionSummary,
  type StartReconciliation,
} from '../domain/session';
import type { ShadowView } from '../domain/shadow';
import {
  type AlpacaAssetsState,
  type SymbolSearchResult,
  symbolSearchSchema,
  type WatchItem,
  watchKeySchema,
} from '../domain/symbols';
import type { BacktestDetailColumns } from '../domain/trade-columns';
import { windowStateSchema, workspaceSchema } from '../domain/workspace';
import type { FieldProblem } from './field-errors';
import type { CallName, PushTopic } from './names';
import type { ApiResult } from './result';

export const THEMES = ['dark', 'light'] as const;

/** User settings with their defaults; stored one row per key in SQLite. */
// Fields without defaults, so a partial patch carries only what the caller sent (zod 4 applies defaults inside
// optional fields too).
const settingsFields = {
  theme: z.enum(THEMES).describe('Colour theme of the workstation'),
  notifications: z.boolean().describe('Show native notifications for alerts'),
  workspace: workspaceSchema.describe('Where the user left off: view, selections, timeframe, panels'),
  window: windowStateSchema.nullable().describe('The desktop window’s bounds, restored at the next start'),
};
export const settingsSchema = z.object({
  theme: settingsFields.theme.default('dark'),
  notifications: settingsFields.notifications.default(true),
  workspace: settingsFields.workspace.default({}),
  window: settingsFields.window.default(null),
});
const settingsPatchSchema = z
  .object(settingsFields)
  .partial()
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'patch is empty');
export type Settings = z.output<typeof settingsSchema>;

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly dataDir: string;
  readonly logDir: string;
  readonly databasePath: string;
  readonly schemaVersion: number;
  readonly transport: 'electron-ipc' | 'websocket';
  readonly electron: { readonly present: boolean; readonly version: string | null };
  readonly node: string;
  readonly platform: string;
}

const noArgs = z.object({}).strict();
const runIdSchema = z.string().regex(/^bt-[a-z0-9-]{1,60}$/, 'not a backtest run id');
const runIdArg = z.object({ runId: runIdSchema }).strict();
const sessionIdSchema = z.string().regex(/^s-[a-z0-9-]{1,60}$/, 'not a session id');
const sessionIdArg = z.object({ sessionId: sessionIdSchema }).strict();
/** A session's run (r-…, as the service names them). */
const sessionRunIdArg = z
  .object({ runId: z.string().regex(/^[a-z]{1,3}-[a-z0-9-]{1,60}$/, 'not a session run id') })
  .strict();
const sessionEventFilter = {
  sessionId: sessionIdSchema,
  ...logFilterFields,
  kinds: z.array(z.enum(SESSION_EVENT_KINDS)).max(SESSION_EVENT_KINDS.length).optional(),
};
const logExportFormat = z.enum(LOG_EXPORT_FORMATS).default('csv');
const planFileSchema = z
  .object({
    sessionId: sessionIdSchema,
    fileName: z.string().min(1).max(200),
    csv: z.string().max(1_000_000),
    mode: z.enum(EXECUTION_MODES).optional(),
  })
  .strict();

/** A call's declaration: the zod schema of its one argument object, and (as a type only) its result. */
export interface CallSpec<S extends z.ZodType, R> {
  readonly input: S;
  /** Phantom: carries the result type; never read at run time. */
  readonly result?: R;
}
const call =
  <R>() =>
  <S extends z.ZodType>(input: S): CallSpec<S, R> => ({ input });

export const calls = {
  'app:info': call<AppInfo>()(noArgs),
  'settings:get': call<Settings>()(noArgs),
  'settings:set': call<Settings>()(z.object({ patch: settingsPatchSchema }).strict()),
  'strategy:list': call<readonly StrategyInfo[]>()(noArgs),
  'backtest:options': call<BacktestOptionsInfo>()(noArgs),
  // A strategy's parameters checked by its own schema (cross-field rules too), for the form to show as the user types.
  'strategy:check': call<{ readonly problems: readonly FieldProblem[] }>()(
    z.object({ id: z.string().min(1).max(80), params: z.record(z.string(), z.unknown()) }).strict(),
  ),
  // The config is checked field by field in main against the engine's own schema; errors name the field.
  'backtest:run': call<{ readonly runId: string }>()(
    z
      .object({
        name: z.string().trim().min(1).max(120).optional(),
        data: backtestDataSchema,
        config: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
  ),
  // A Phase 4D SPY puts backtest: preset, SPY bars CSV, VIX file or synthetic VIX, cash, the strategy's params.
  'backtest:run-options': call<{ readonly runId: string }>()(optionsBacktestRequestSchema),
  'backtest:cancel': call<{ readonly canceled: boolean }>()(runIdArg),
  'backtest:list': call<readonly BacktestSummary[]>()(noArgs),
  'backtest:get': call<BacktestDetailColumns>()(
    z
      .object({ runId: runIdSchema, maxPoints: z.number().int().min(100).max(1_000_000).default(5_000) })
      .strict(),
  ),
  'backtest:bars': call<BacktestBars>()(
    z
      .object({
        runId: runIdSchema,
        symbol: z.string().min(1).max(15),
        maxBars: z.number().int().min(100).max(2_000_000).default(200_000),
        // Exclusive index where the page ends (default: after the newest bar): with maxBars, a page of older bars.
        end: z.number().int().min(1).optional(),
        // Aggregated in main (us-equities sessions); not finer than the run's own timeframe.
        timeframe: z.enum(TIMEFRAMES).optional(),
      })
      .strict(),
  ),
  'backtest:delete': call<{ readonly deleted: boolean }>()(runIdArg),
  // Two to four finished runs side by side: figures, thinned equity curves and the settings in which they differ.
  // The first run is the one the others are measured against.
  'backtest:compare': call<BacktestComparison>()(
    z
      .object({
        runIds: z
          .array(runIdSchema)
          .min(MIN_COMPARED_RUNS, { message: `pick at least ${MIN_COMPARED_RUNS} runs to compare` })
          .max(MAX_COMPARED_RUNS, { message: `at most ${MAX_COMPARED_RUNS} runs can be compared at once` }),
        maxPoints: z.number().int().min(100).max(100_000).default(2_000),
      })
      .strict()
      .refine((arg) => new Set(arg.runIds).size === arg.runIds.length, {
        message: 'pick different runs: one run is listed twice',
        path: ['runIds'],
      }),
  ),
  // Session configs are checked in main against the engine's schemas; errors name the field (config.risk.stopLoss …).
  'session:create': call<SessionDetail>()(
    z
      .object({
        name: z.string().trim().min(1).max(80),
        config: z.record(z.string(), z.unknown()).default({}),
      })
      .strict(),
  ),
  'session:update': call<SessionDetail>()(
    z
      .object({
        sessionId: sessionIdSchema,
        name: z.string().trim().min(1).max(80).optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  ),
  'session:list': call<readonly SessionSummary[]>()(noArgs),
  'session:get': call<SessionSnapshot>()(sessionIdArg),
  // Alpaca paper sessions: the account compared with the session before it starts (nothing is changed).
  'session:prepare': call<StartReconciliation>()(sessionIdArg),
  // accept: the user accepted the prepared report (positions adopted, foreign open orders canceled).
  'session:start': call<SessionSummary>()(
    z.object({ sessionId: sessionIdSchema, accept: z.boolean().default(false) }).strict(),
  ),
  'session:pause': call<SessionSummary>()(sessionIdArg),
  'session:resume': call<SessionSummary>()(sessionIdArg),
  'session:stop': call<SessionSummary>()(
    z.object({ sessionId: sessionIdSchema, flatten: z.boolean().default(false) }).strict(),
  ),
  'session:flatten': call<SessionSummary>()(sessionIdArg),
  'session:reset-halt': call<SessionSummary>()(sessionIdArg),
  // A symbol's chart at a timeframe coarser than the session's (its run's bars aggregated, indicator lines sampled).
  'session:bars': call<SessionChartBars>()(
    z
      .object({
        sessionId: sessionIdSchema,
        symbol: z.string().min(1).max(15),
        timeframe: z.enum(TIMEFRAMES),
      })
      .strict(),
  ),
  // A working order canceled at the session's next bar (a conflict when it is no longer working).
  'session:cancel-order': call<SessionSummary>()(
    z.object({ sessionId: sessionIdSchema, orderId: z.string().min(1).max(80) }).strict(),
  ),
  // The trader's own order from the ticket: reviewed by the risk gateway at the next bar, recorded marked manual.
  'session:order': call<SessionSummary>()(
    z.object({ sessionId: sessionIdSchema, order: manualOrderSchema }).strict(),
  ),
  // A market order for the whole of one symbol's position (a conflict when flat).
  'session:close-position': call<SessionSummary>()(
    z.object({ sessionId: sessionIdSchema, symbol: z.string().trim().toUpperCase().min(1).max(15) }).strict(),
  ),
  // Cancel then a new manual order with the changed qty/price, at the next bar (the simulator and Alpaca alike).
  'session:replace-order': call<SessionSummary>()(
    z
      .object({ sessionId: sessionIdSchema, orderId: z.string().min(1).max(80), change: orderChangeSchema })
      .strict(),
  ),
  'session:export': call<ExportFile>()(
    z.object({ sessionId: sessionIdSchema, what: z.enum(EXPORT_KINDS) }).strict(),
  ),
  'session:summary': call<readonly DailySummary[]>()(sessionIdArg),
  'session:compare': call<SessionComparison>()(sessionIdArg),
  // All or nothing: a plan with any bad row is refused whole, every problem named by line and field.
  'session:import-plan': call<{ readonly rows: number; readonly mode: string }>()(planFileSchema),
  // The user's own indicators on a chart (the strategies' kernels, computed in main over the chart's bars): for a
  // backtest, bars [from, end) of the run at `timeframe`; for a session, the newest bars its chart holds.
  'chart:indicators': call<ChartIndicatorLines>()(
    z
      .object({
        chart: z.discriminatedUnion('kind', [
          z
            .object({
              kind: z.literal('backtest'),
              runId: runIdSchema,
              symbol: z.string().min(1).max(15),
              timeframe: z.enum(TIMEFRAMES).optional(),
              from: z.number().int().min(0).optional(),
              end: z.number().int().min(1).optional(),
            })
            .strict(),
          z
            .object({
              kind: z.literal('session'),
              sessionId: sessionIdSchema,
              symbol: z.string().min(1).max(15),
              timeframe: z.enum(TIMEFRAMES).optional(),
            })
            .strict(),
        ]),
        indicators: chartIndicatorListSchema.min(1, 'no indicators asked for'),
      })
      .strict(),
  ),
  // The trader's horizontal price lines on a session's chart, each with an optional crossing alert (kept in SQLite).
  'session:price-lines': call<readonly PriceLine[]>()(sessionIdArg),
  'session:price-line-add': call<PriceLine>()(
    z.object({ sessionId: sessionIdSchema, line: priceLineInputSchema }).strict(),
  ),
  'session:price-line-update': call<PriceLine>()(
    z
      .object({
        sessionId: sessionIdSchema,
        lineId: z.number().int().positive(),
        change: priceLineChangeSchema,
      })
      .strict(),
  ),
  'session:price-line-delete': call<{ readonly deleted: boolean }>()(
    z.object({ sessionId: sessionIdSchema, lineId: z.number().int().positive() }).strict(),
  ),
  'alert:ack': call<{ readonly acknowledged: boolean }>()(
    z.object({ alertId: z.number().int().positive() }).strict(),
  ),
  // The only call that carries the secret; the keys are checked with Alpaca, then kept in the OS keychain.
  'credentials:save': call<CredentialsStatus>()(credentialsSaveSchema),
  'credentials:status': call<CredentialsStatus>()(noArgs),
  'credentials:test': call<CredentialsStatus>()(noArgs),
  'credentials:delete': call<{ readonly deleted: boolean }>()(noArgs),
  // Read-only checks of the stored keys with Alpaca; a sessionId supplies its symbols and capital (config.cash),
  // explicit symbols or capital win over the session's.
  'alpaca:validate': call<ValidationReport>()(
    z
      .object({
        symbols: z
          .array(
            z
              .string()
              .trim()
              .toUpperCase()
              .regex(
                /^[A-Z][A-Z0-9.\-/]{0,14}$/,
                'a symbol is 1–15 capital letters, digits, ".", "-" or "/"',
              ),
          )
          .min(1)
          .max(10)
          .optional(),
        capital: z.number().positive().max(1e12).optional(),
        sessionId: sessionIdSchema.optional(),
        feed: z.enum(ALPACA_DATA_FEEDS).default('iex'),
      })
      .strict(),
  ),
  // The research lab: optimisation, walk-forward and Monte Carlo runs, checked whole before any work starts.
  'research:run': call<{ readonly id: string }>()(z.object({ request: researchRequestSchema }).strict()),
  'research:cancel': call<{ readonly canceled: boolean }>()(z.object({ id: researchIdSchema }).strict()),
  'research:list': call<readonly ResearchSummary[]>()(noArgs),
  'research:get': call<ResearchDetail>()(z.object({ id: researchIdSchema }).strict()),
  'research:delete': call<{ readonly deleted: boolean }>()(z.object({ id: researchIdSchema }).strict()),
  // ML signals: train a model with walk-forward folds (progress on 'ml-progress'), import one XGBoost saved, the
  // registry, and a model's stored predictions over a backtest's or a session's bars.
  'ml:train': call<{ readonly id: string }>()(z.object({ request: trainRequestSchema }).strict()),
  'ml:cancel': call<{ readonly canceled: boolean }>()(z.object({ id: modelIdSchema }).strict()),
  'ml:import': call<ModelSummary>()(modelImportSchema),
  'ml:list': call<readonly ModelSummary[]>()(noArgs),
  'ml:get': call<ModelDetail>()(z.object({ id: modelIdSchema }).strict()),
  'ml:delete': call<{ readonly deleted: boolean }>()(z.object({ id: modelIdSchema }).strict()),
  'ml:predictions': call<PredictionSeries>()(
    z
      .object({
        id: modelIdSchema,
        runId: z.string().min(1).max(80).optional(),
        sessionId: z.string().min(1).max(80).optional(),
      })
      .strict()
      .refine((a) => (a.runId === undefined) !== (a.sessionId === undefined), 'give a runId or a sessionId'),
  ),
  // P&L by day, week, month and year (a calendar heat map and a table).
  'backtest:periods': call<PnlByPeriod>()(runIdArg),
  'session:periods': call<PnlByPeriod>()(sessionIdArg),
  // The session's recorded bars and config replayed through the backtester; its fills compared with the session's.
  'session:replay-parity': call<ParityReport>()(sessionIdArg),
  // An Alpaca run beside its simulator twin (config.shadow): both equity curves, per-fill attribution.
  'session:shadow': call<ShadowView>()(sessionIdArg),
  // Symbols by ticker and name: the synthetic market's and (with keys) Alpaca's cached assets, best match first.
  'symbols:search': call<SymbolSearchResult>()(symbolSearchSchema),
  // Alpaca's asset list fetched again now (otherwise at most once a day).
  'symbols:refresh': call<AlpacaAssetsState>()(noArgs),
  // The watchlist in its order, each symbol with its last price and day change.
  'watchlist:get': call<readonly WatchItem[]>()(noArgs),
  'watchlist:add': call<readonly WatchItem[]>()(watchKeySchema),
  'watchlist:remove': call<readonly WatchItem[]>()(watchKeySchema),
  'watchlist:reorder': call<readonly WatchItem[]>()(
    z.object({ order: z.array(watchKeySchema).min(1).max(500) }).strict(),
  ),
  // The trader's name, note, tags or pin of a run (only the fields sent change); the run as the list shows it.
  'backtest:update': call<BacktestSummary>()(
    runLabelsSchema
      .extend({ runId: runIdSchema })
      .refine(
        (arg) => Object.keys(arg).some((key) => key !== 'runId'),
        'nothing to change: send a name, note, tags or pinned',
      ),
  ),
  // A finished run's tearsheet as one self-contained HTML file (inline styles and SVG charts), for the user to save.
  'backtest:tearsheet': call<ExportFile>()(runIdArg),
  // The event viewer: a session's order, risk, broker, alert and run events, filtered, newest first, a page at a time.
  'session:events': call<LogPage>()(z.object({ ...sessionEventFilter, ...logPageFields }).strict()),
  'session:events-export': call<ExportFile>()(
    z.object({ ...sessionEventFilter, format: logExportFormat }).strict(),
  ),
  // The app log (the data dir's log files), filtered the same way.
  'app:log': call<LogPage>()(z.object({ ...logFilterFields, ...logPageFields }).strict()),
  'app:log-export': call<ExportFile>()(z.object({ ...logFilterFields, format: logExportFormat }).strict()),
  // A trade plan checked like session:import-plan checks it, nothing stored: its rows, or its refusals by line.
  'session:preview-plan': call<PlanPreview>()(planFileSchema),
  // Each row of the plans the current or last run executed, with its outcome.
  'session:plan-outcomes': call<readonly PlanOutcome[]>()(sessionIdArg),
  // An options run (Phase 4D) held against its backtest: daily P&L vs the preset's target, rates, costs, bands.
  'session:options-monitor': call<OptionsMonitor>()(sessionRunIdArg),
  // An options run's open option positions (contracts, premium, bid/ask, unrealized dollars).
  'session:option-positions': call<readonly OptionPositionRow[]>()(sessionRunIdArg),
  // Validate-only launch of an options session: keys, market hours, options level, chain, volatility (Alpaca), or
  // the volatility source and the synthetic chain (simulator); nothing is traded.
  'session:validate': call<ValidationReport>()(sessionIdArg),
} satisfies Record<CallName, CallSpec<z.ZodType, unknown>>;

export interface Heartbeat {
  readonly time: number;
  readonly uptimeMs: number;
  /** The US stock market now (NYSE hours and holidays), for the top bar of a session on the real market. */
  readonly usMarket?: {
    readonly state: 'open' | 'closed' | 'pre' | 'post' | 'holiday' | 'weekend';
    /** In New York time, e.g. `open, closes 16:00` or `closed for Thanksgiving Day, opens Fri 09:30`. */
    readonly label: string;
  };
}

/** Push topics and their payloads; delivered in coalesced batches. */
export interface PushPayloads {
  heartbeat: Heartbeat;
  progress: BacktestProgress;
  'session-state': SessionStatePush;
  bar: BarPush;
  order: OrderPush;
  fill: FillPush;
  equity: EquityPush;
  alert: AlertPush;
  'research-progress': ResearchProgress;
  'ml-progress': TrainingProgress;
}

type Calls = typeof calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallArg<N extends CallName> = z.output<Calls[N]['input']>;
export type CallResult<N extends CallName> = NonNullable<Calls[N]['result']>;
export type PushPayload<T extends PushTopic> = PushPayloads[T];

// Compile-time guard: the push table covers exactly the declared topics.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _topicsMatch: Exact<keyof PushPayloads, PushTopic> = true;
void _topicsMatch;

/** What both transports offer the renderer; it never knows which one it has. */
export interface ApiClient {
  call<N extends CallName>(name: N, arg: CallInput<N>): Promise<ApiResult<CallResult<N>>>;
  subscribe<T extends PushTopic>(topic: T, listener: (batch: readonly PushPayload<T>[]) => void): () => void;
}

/** Where the renderer finds the Electron transport; the preload puts it there. */
export interface PreloadBridge {
  readonly transport: 'electron-ipc';
  /** One function per contract call name, nothing else. */
  readonly calls: Readonly<Record<CallName, (arg: unknown) => Promise<ApiResult<unknown>>>>;
  subscribe(topic: PushTopic, listener: (batch: readonly unknown[]) => void): () => void;
}
