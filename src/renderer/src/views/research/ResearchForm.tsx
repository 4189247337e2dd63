// "New research": three tabs. Optimise and Walk-forward take the backtest form's parts (data, starting cash, account,
// strategy, risk, fills and costs) plus the search (a row per numeric parameter, method, objective, filters);
// Walk-forward adds its windows. Monte Carlo resamples the trades of a finished backtest or a session.
import { useEffect, useMemo, useState } from 'react';
import { type FieldProblem, problemsUnder } from '../../../../shared/api/field-errors';
import {
  CONSTRAINT_METRICS,
  type ConstraintMetric,
  MONTE_CARLO_METHODS,
  type MonteCarloMethod,
  monteCarloSettingsSchema,
  OBJECTIVES,
  type Objective,
  type ParamSet,
  type ResearchKind,
  type ResearchRequestInput,
  SEARCH_METHODS,
  type SearchMethod,
  searchSchema,
  WINDOW_UNITS,
  type WindowUnit,
  walkForwardWindowsSchema,
} from '../../../../shared/domain/research';
import { inputSchemaOf } from '../../../../shared/domain/run-limits';
import { NumberField, numberProblem } from '../../components/form/NumberField';
import { SubmitButton } from '../../components/form/SubmitButton';
import type { JsonSchema } from '../../components/form/schema-model';
import {
  useBacktestStore,
  useCatalogueStore,
  useResearchStore,
  useSessionStore,
  useStores,
} from '../../stores/context';
import { RunConfigFields, useRunConfigForm } from '../backtests/RunConfigFields';
import {
  cellsText,
  isPercentMetric,
  METHOD_LABELS,
  METRIC_LABELS,
  planSearch,
  type SearchRow,
  searchRowsFor,
} from './research-model';

export const RESEARCH_TABS: readonly { readonly kind: ResearchKind; readonly label: string }[] = [
  { kind: 'optimize', label: 'Optimise' },
  { kind: 'walk-forward', label: 'Walk-forward' },
  { kind: 'monte-carlo', label: 'Monte Carlo' },
];

const TRIALS_SCHEMA = inputSchemaOf(searchSchema.shape.trials.unwrap()) as JsonSchema;
const MIN_TRADES_SCHEMA = inputSchemaOf(searchSchema.shape.minTrades) as JsonSchema;
const SEED_SCHEMA = inputSchemaOf(searchSchema.shape.seed) as JsonSchema;
const WINDOW_SCHEMA = inputSchemaOf(walkForwardWindowsSchema.shape.train) as JsonSchema;
const GAP_SCHEMA = inputSchemaOf(walkForwardWindowsSchema.shape.gap) as JsonSchema;
const RUNS_SCHEMA = inputSchemaOf(monteCarloSettingsSchema.shape.runs) as JsonSchema;
const BLOCK_SCHEMA = inputSchemaOf(monteCarloSettingsSchema.shape.blockSize) as JsonSchema;
const RUIN_SCHEMA: JsonSchema = { type: 'number', exclusiveMinimum: 0, maximum: 100 };

const UNIT_LABELS: Readonly<Record<WindowUnit, string>> = {
  bars: 'bars',
  days: 'trading days',
  weeks: 'weeks',
  months: 'months',
};
const MC_METHOD_LABELS: Readonly<Record<MonteCarloMethod, string>> = {
  shuffle: 'Shuffle (reorder the trades)',
  bootstrap: 'Bootstrap (draw with replacement)',
  block: 'Block bootstrap (runs of trades)',
};

interface ConstraintDraft {
  readonly metric: ConstraintMetric;
  readonly op: '>=' | '<=';
  readonly value: string;
}

/** The first thing keeping the form from being sent, in the order the form shows its parts. */
const firstProblem = (problems: readonly (string | null)[]): string | null =>
  problems.find((p): p is string => p !== null) ?? null;

/** Main's refusal of a field, whether it names it under the call's `request` or from the request itself. */
function under(fields: readonly FieldProblem[], path: string): Record<string, string> {
  return { ...problemsUnder(fields, path), ...problemsUnder(fields, `request.${path}`) };
}

export function ResearchForm() {
  const stores = useStores();
  const strategies = useCatalogueStore((s) => s.strategies);
  const options = useCatalogueStore((s) => s.options);
  const runError = useResearchStore((s) => s.runError);
  const runFields = useResearchStore((s) => s.runFields);
  const backtestRuns = useBacktestStore((s) => s.runs);
  const sessions = useSessionStore((s) => s.sessions);
  const { run, clearRunError } = stores.research.getState();

  const [tab, setTab] = useState<ResearchKind>('optimize');
  const [name, setName] = useState('');
  const form = useRunConfigForm(strategies, options);
  const [rows, setRows] = useState<SearchRow[]>([]);
  const [method, setMethod] = useState<SearchMethod>('grid');
  const [trials, setTrials] = useState(50);
  const [searchSeed, setSearchSeed] = useState(1);
  const [objective, setObjective] = useState<Objective>('sharpe');
  const [minTrades, setMinTrades] = useState(0);
  const [constraints, setConstraints] = useState<ConstraintDraft[]>([]);
  const [unit, setUnit] = useState<WindowUnit>('months');
  const [train, setTrain] = useState(12);
  const [test, setTest] = useState(3);
  const [gap, setGap] = useState(0);
  const [mode, setMode] = useState<'rolling' | 'anchored'>('rolling');
  const [sourceKind, setSourceKind] = useState<'backtest' | 'session'>('backtest');
  const [sourceRun, setSourceRun] = useState('');
  const [sourceSession, setSourceSession] = useState('');
  const [mcRuns, setMcRuns] = useState(10_000);
  const [mcMethod, setMcMethod] = useState<MonteCarloMethod>('shuffle');
  const [blockSize, setBlockSize] = useState(10);
  const [mcSeed, setMcSeed] = useState(1);
  const [ruinPct, setRuinPct] = useState(50);
  const [busy, setBusy] = useState(false);

  const strategy = form.strategy;
  const paramsSchema = strategy?.paramsSchema as JsonSchema | undefined;
  useEffect(() => {
    // A strategy's numeric parameters become the search rows.
    setRows(
      searchRowsFor(
        strategy?.paramsSchema as JsonSchema | undefined,
        strategy?.defaults as ParamSet | undefined,
      ),
    );
  }, [strategy]);

  const finishedRuns = useMemo(() => backtestRuns.filter((r) => r.status === 'done'), [backtestRuns]);
  const chosenRun = sourceRun !== '' ? sourceRun : (finishedRuns[0]?.id ?? '');
  const chosenSession = sourceSession !== '' ? sourceSession : (sessions[0]?.id ?? '');

  const plan = useMemo(() => planSearch(rows, method, trials), [rows, method, trials]);
  const serverErrors = useMemo(
    () => ({
      request: under(runFields, ''),
      data: under(runFields, 'data'),
      config: under(runFields, 'config'),
      params: under(runFields, 'config.strategy.params'),
      risk: under(runFields, 'config.risk'),
      venue: under(runFields, 'config.venue'),
      search: under(runFields, 'search'),
      dimensions: under(runFields, 'search.dimensions'),
      constraints: under(runFields, 'search.constraints'),
      windows: under(runFields, 'windows'),
      settings: under(runFields, 'settings'),
      source: under(runFields, 'source'),
    }),
    [runFields],
  );
  const searched = rows.filter((r) => r.on);
  // A refused dimension (by index among the searched rows) shows on its row.
  const rowError = (row: SearchRow): string | undefined =>
    plan.problems[row.name] ?? serverErrors.dimensions[String(searched.indexOf(row))];

  const labelled = (label: string, problem: string | undefined) =>
    problem === undefined ? null : `${label}: ${problem}`;
  const constraintProblem = constraints.some(
    (c) => c.value.trim() === '' || !Number.isFinite(Number(c.value)),
  )
    ? 'Constraints: give each a number'
    : null;
  const searchBlockedBy = firstProblem([
    form.blockedBy,
    searched.length === 0 ? 'Tick at least one parameter to search' : null,
    ...Object.entries(plan.problems).map(
      ([key, problem]) => `${rows.find((r) => r.name === key)?.label ?? key}: ${problem}`,
    ),
    method !== 'grid' ? labelled('Trials', numberProblem(TRIALS_SCHEMA, trials)) : null,
    labelled('Minimum trades', numberProblem(MIN_TRADES_SCHEMA, minTrades)),
    constraintProblem,
  ]);
  const windowsBlockedBy = firstProblem([
    labelled('Train', numberProblem(WINDOW_SCHEMA, train)),
    labelled('Test', numberProblem(WINDOW_SCHEMA, test)),
    labelled('Gap', numberProblem(GAP_SCHEMA, gap)),
  ]);
  const monteCarloBlockedBy = firstProblem([
    sourceKind === 'backtest' && chosenRun === '' ? 'Run a backtest first: its trades are resampled' : null,
    sourceKind === 'session' && chosenSession === '' ? 'Create a session first' : null,
    labelled('Runs', numberProblem(RUNS_SCHEMA, mcRuns)),
    mcMethod === 'block' ? labelled('Block size', numberProblem(BLOCK_SCHEMA, blockSize)) : null,
    labelled('Seed', numberProblem(SEED_SCHEMA, mcSeed)),
    labelled('Ruin at a loss of', numberProblem(RUIN_SCHEMA, ruinPct)),
  ]);
  const blockedBy =
    tab === 'monte-carlo'
      ? monteCarloBlockedBy
      : (searchBlockedBy ?? (tab === 'walk-forward' ? windowsBlockedBy : null));

  const request = (): ResearchRequestInput => {
    const named = name.trim() === '' ? {} : { name: name.trim() };
    if (tab === 'monte-carlo') {
      return {
        kind: 'monte-carlo',
        ...named,
        source:
          sourceKind === 'backtest'
            ? { kind: 'backtest', runId: chosenRun }
            : { kind: 'session', sessionId: chosenSession },
        settings: {
          runs: mcRuns,
          method: mcMethod,
          blockSize,
          seed: mcSeed,
          ruinLoss: ruinPct / 100,
        },
      };
    }
    const search = {
      method,
      ...(method !== 'grid' && { trials, seed: searchSeed }),
      dimensions: [...plan.dimensions],
      objective,
      minTrades,
      constraints: constraints.map((c) => ({
        metric: c.metric,
        op: c.op,
        value: isPercentMetric(c.metric) ? Number(c.value) / 100 : Number(c.value),
      })),
    };
    const common = {
      ...named,
      ...form.request(),
      search,
    };
    return tab === 'optimize'
      ? { kind: 'optimize', ...common }
      : { kind: 'walk-forward', ...common, windows: { unit, train, test, gap, mode } };
  };
  const submit = () => {
    setBusy(true);
    void run(request()).finally(() => setBusy(false));
  };
  const setRow = (index: number, patch: Partial<SearchRow>) =>
    setRows((all) => all.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const setConstraint = (index: number, patch: Partial<ConstraintDraft>) =>
    setConstraints((all) => all.map((c, i) => (i === index ? { ...c, ...patch } : c)));

  const cellsLabel =
    plan.cells === null
      ? null
      : tab === 'walk-forward'
        ? `${cellsText(plan.cells)} per fold`
        : cellsText(plan.cells);

  return (
    <section className="rs-new" aria-label="New research" onChangeCapture={clearRunError}>
      <div className="rs-tabs" role="tablist" aria-label="Research kind">
        {RESEARCH_TABS.map((t) => (
          <button
            key={t.kind}
            type="button"
            role="tab"
            id={`rs-tab-${t.kind}`}
            aria-selected={tab === t.kind}
            className={tab === t.kind ? 'chip active' : 'chip'}
            onClick={() => setTab(t.kind)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="rs-form bt-config" role="tabpanel" aria-labelledby={`rs-tab-${tab}`}>
        <div className="form-row">
          <label htmlFor="rs-name">Name</label>
          <input
            id="rs-name"
            type="text"
            maxLength={120}
            placeholder="optional"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          {serverErrors.request['name'] && (
            <span className="mb-field-error mb-inline-error">Name: {serverErrors.request['name']}</span>
          )}
        </div>
        {tab === 'monte-carlo' ? (
          <fieldset>
            <legend>Trades to resample</legend>
            <div className="bt-source" role="radiogroup" aria-label="Whose trades">
              <label className="pick">
                <input
                  type="radio"
                  name="rs-mc-source"
                  checked={sourceKind === 'backtest'}
                  onChange={() => setSourceKind('backtest')}
                />
                A finished backtest
              </label>
              <label className="pick">
                <input
                  type="radio"
                  name="rs-mc-source"
                  checked={sourceKind === 'session'}
                  onChange={() => setSourceKind('session')}
                />
                A session
              </label>
            </div>
            {sourceKind === 'backtest' ? (
              <div className="form-row">
                <label htmlFor="rs-mc-run">Backtest</label>
                <select id="rs-mc-run" value={chosenRun} onChange={(e) => setSourceRun(e.target.value)}>
                  {finishedRuns.length === 0 && <option value="">no finished backtests</option>}
                  {finishedRuns.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name} ({r.metrics?.trades ?? 0} trades)
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              <div className="form-row">
                <label htmlFor="rs-mc-session">Session</label>
                <select
                  id="rs-mc-session"
                  value={chosenSession}
                  onChange={(e) => setSourceSession(e.target.value)}
                >
                  {sessions.length === 0 && <option value="">no sessions</option>}
                  {sessions.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {Object.values(serverErrors.source)[0] && (
              <p className="mb-field-error">{Object.values(serverErrors.source)[0]}</p>
            )}
            <NumberField
              id="rs-mc-runs"
              label="Runs"
              schema={RUNS_SCHEMA}
              value={mcRuns}
              onChange={setMcRuns}
              serverError={serverErrors.settings['runs']}
            />
            <div className="form-row">
              <label htmlFor="rs-mc-method">Method</label>
              <select
                id="rs-mc-method"
                value={mcMethod}
                onChange={(e) => setMcMethod(e.target.value as MonteCarloMethod)}
              >
                {MONTE_CARLO_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {MC_METHOD_LABELS[m]}
                  </option>
                ))}
              </select>
            </div>
            {mcMethod === 'block' && (
              <NumberField
                id="rs-mc-block"
                label="Block size"
                unit="trades"
                schema={BLOCK_SCHEMA}
                value={blockSize}
                onChange={setBlockSize}
                serverError={serverErrors.settings['blockSize']}
              />
            )}
            <NumberField
              id="rs-mc-seed"
              label="Seed"
              schema={SEED_SCHEMA}
              value={mcSeed}
              onChange={setMcSeed}
              serverError={serverErrors.settings['seed']}
            />
            <NumberField
              id="rs-mc-ruin"
              label="Ruin at a loss of"
              unit="%"
              schema={RUIN_SCHEMA}
              value={ruinPct}
              onChange={setRuinPct}
              serverError={serverErrors.settings['ruinLoss']}
            />
          </fieldset>
        ) : (
          <>
            <RunConfigFields
              form={form}
              idPrefix="rs"
              strategies={strategies}
              options={options}
              serverErrors={serverErrors}
            />
            <fieldset className="rs-search">
              <legend>Search</legend>
              <p className="muted small">Ticked parameters are searched; the others keep the value above.</p>
              {rows.length === 0 && paramsSchema && (
                <p className="muted small">This strategy has no numeric parameters to search.</p>
              )}
              {rows.map((row, i) => {
                const problem = row.on ? rowError(row) : undefined;
                const id = `rs-dim-${row.name}`;
                return (
                  <div key={row.name} className="rs-dim" data-testid={`search-row-${row.name}`}>
                    <label className="pick">
                      <input
                        type="checkbox"
                        checked={row.on}
                        onChange={(e) => setRow(i, { on: e.target.checked })}
                      />
                      {row.label}
                    </label>
                    {row.on && (
                      <>
                        <select
                          aria-label={`${row.label}: values or range`}
                          value={row.mode}
                          onChange={(e) =>
                            setRow(i, { mode: e.target.value === 'range' ? 'range' : 'values' })
                          }
                        >
                          <option value="values">values</option>
                          <option value="range">range</option>
                        </select>
                        {row.mode === 'values' ? (
                          <input
                            id={`${id}-values`}
                            type="text"
                            className="rs-values"
                            aria-label={`${row.label} values`}
                            placeholder="5,8,10"
                            value={row.values}
                            aria-invalid={problem !== undefined}
                            onChange={(e) => setRow(i, { values: e.target.value })}
                          />
                        ) : (
                          <span className="rs-range">
                            from
                            <input
                              type="number"
                              aria-label={`${row.label} from`}
                              value={row.min}
                              onChange={(e) => setRow(i, { min: e.target.value })}
                            />
                            to
                            <input
                              type="number"
                              aria-label={`${row.label} to`}
                              value={row.max}
                              onChange={(e) => setRow(i, { max: e.target.value })}
                            />
                            step
                            <input
                              type="number"
                              aria-label={`${row.label} step`}
                              placeholder="step"
                              value={row.step}
                              onChange={(e) => setRow(i, { step: e.target.value })}
                            />
                          </span>
                        )}
                        {problem && (
                          <span className="mb-field-error rs-dim-error" role="alert">
                            {row.label}: {problem}
                          </span>
                        )}
                      </>
                    )}
                  </div>
                );
              })}
              <div className="form-row">
                <label htmlFor="rs-method">Method</label>
                <select
                  id="rs-method"
                  value={method}
                  onChange={(e) => setMethod(e.target.value as SearchMethod)}
                >
                  {SEARCH_METHODS.map((m) => (
                    <option key={m} value={m}>
                      {METHOD_LABELS[m]}
                    </option>
                  ))}
                </select>
              </div>
              {method !== 'grid' && (
                <>
                  <NumberField
                    id="rs-trials"
                    label="Trials"
                    schema={TRIALS_SCHEMA}
                    value={trials}
                    onChange={setTrials}
                    serverError={serverErrors.search['trials']}
                  />
                  <NumberField
                    id="rs-search-seed"
                    label="Seed"
                    schema={SEED_SCHEMA}
                    value={searchSeed}
                    onChange={setSearchSeed}
                    serverError={serverErrors.search['seed']}
                  />
                </>
              )}
              <p className="rs-cells" data-testid="research-cells" aria-live="polite">
                {cellsLabel ?? ' '}
              </p>
              {serverErrors.search['dimensions'] && (
                <p className="mb-field-error">{serverErrors.search['dimensions']}</p>
              )}
              <div className="form-row">
                <label htmlFor="rs-objective">Objective</label>
                <select
                  id="rs-objective"
                  value={objective}
                  onChange={(e) => setObjective(e.target.value as Objective)}
                >
                  {OBJECTIVES.map((o) => (
                    <option key={o} value={o}>
                      {METRIC_LABELS[o]}
                    </option>
                  ))}
                </select>
              </div>
              <NumberField
                id="rs-min-trades"
                label="Minimum trades"
                schema={MIN_TRADES_SCHEMA}
                value={minTrades}
                onChange={setMinTrades}
                serverError={serverErrors.search['minTrades']}
              />
              {constraints.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: constraints have no identity but their place
                <div key={i} className="rs-constraint" data-testid="constraint-row">
                  <select
                    aria-label="Constraint metric"
                    value={c.metric}
                    onChange={(e) => setConstraint(i, { metric: e.target.value as ConstraintMetric })}
                  >
                    {CONSTRAINT_METRICS.map((m) => (
                      <option key={m} value={m}>
                        {METRIC_LABELS[m]}
                      </option>
                    ))}
                  </select>
                  <select
                    aria-label="Constraint bound"
                    value={c.op}
                    onChange={(e) => setConstraint(i, { op: e.target.value === '<=' ? '<=' : '>=' })}
                  >
                    <option value=">=">≥</option>
                    <option value="<=">≤</option>
                  </select>
                  <input
                    type="number"
                    aria-label="Constraint value"
                    value={c.value}
                    onChange={(e) => setConstraint(i, { value: e.target.value })}
                  />
                  <span className="muted small">{isPercentMetric(c.metric) ? '%' : ''}</span>
                  <button
                    type="button"
                    className="chip"
                    aria-label="Remove constraint"
                    onClick={() => setConstraints((all) => all.filter((_, k) => k !== i))}
                  >
                    ×
                  </button>
                  {serverErrors.constraints[String(i)] && (
                    <span className="mb-field-error">{serverErrors.constraints[String(i)]}</span>
                  )}
                </div>
              ))}
              <button
                type="button"
                className="chip"
                onClick={() =>
                  setConstraints((all) => [...all, { metric: 'maxDrawdown', op: '<=', value: '25' }])
                }
              >
                Add constraint
              </button>
            </fieldset>
            {tab === 'walk-forward' && (
              <fieldset className="rs-windows">
                <legend>Windows</legend>
                {/* A refusal of the windows as a whole (longer than the data). */}
                {serverErrors.windows[''] && (
                  <p className="mb-field-error" role="alert">
                    {serverErrors.windows['']}
                  </p>
                )}
                <div className="form-row">
                  <label htmlFor="rs-unit">Unit</label>
                  <select id="rs-unit" value={unit} onChange={(e) => setUnit(e.target.value as WindowUnit)}>
                    {WINDOW_UNITS.map((u) => (
                      <option key={u} value={u}>
                        {UNIT_LABELS[u]}
                      </option>
                    ))}
                  </select>
                </div>
                <NumberField
                  id="rs-train"
                  label="Train"
                  unit={UNIT_LABELS[unit]}
                  schema={WINDOW_SCHEMA}
                  value={train}
                  onChange={setTrain}
                  serverError={serverErrors.windows['train']}
                />
                <NumberField
                  id="rs-test"
                  label="Test"
                  unit={UNIT_LABELS[unit]}
                  schema={WINDOW_SCHEMA}
                  value={test}
                  onChange={setTest}
                  serverError={serverErrors.windows['test']}
                />
                <NumberField
                  id="rs-gap"
                  label="Gap"
                  unit={UNIT_LABELS[unit]}
                  schema={GAP_SCHEMA}
                  value={gap}
                  onChange={setGap}
                  serverError={serverErrors.windows['gap']}
                />
                <div className="form-row">
                  <label htmlFor="rs-mode">Windows</label>
                  <select
                    id="rs-mode"
                    value={mode}
                    onChange={(e) => setMode(e.target.value === 'anchored' ? 'anchored' : 'rolling')}
                  >
                    <option value="rolling">rolling</option>
                    <option value="anchored">anchored</option>
                  </select>
                  <span className="muted small">
                    {mode === 'rolling' ? 'the train window moves' : 'train from the start'}
                  </span>
                </div>
              </fieldset>
            )}
          </>
        )}
        {runError && (
          <div className="error-banner" role="alert" data-testid="research-run-error">
            {runError}
          </div>
        )}
        <SubmitButton id="rs-run" className="primary" blockedBy={blockedBy} busy={busy} onClick={submit}>
          {tab === 'optimize'
            ? 'Run optimisation'
            : tab === 'walk-forward'
              ? 'Run walk-forward'
              : 'Run Monte Carlo'}
        </SubmitButton>
      </div>
    </section>
  );
}
