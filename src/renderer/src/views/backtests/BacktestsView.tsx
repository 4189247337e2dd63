// Backtests: configure (synthetic or CSV data, strategy, risk, fills and costs), run in a worker with progress, read
// results, or compare two to four runs side by side.

import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { problemsUnder } from '../../../../shared/api/field-errors';
import type { BacktestDetail, BacktestSummary } from '../../../../shared/domain/backtest';
import { TIMEFRAME_MS, TIMEFRAMES } from '../../../../shared/domain/bars';
import { optionsStatsOf } from '../../../../shared/domain/options-backtest';
import {
  CandleChart,
  type ChartFocus,
  type Indicator,
  type TradeMarker,
} from '../../components/chart/CandleChart';
import { EquityChart } from '../../components/chart/EquityChart';
import { IndicatorPicker, useChartIndicators } from '../../components/chart/IndicatorPicker';
import { alignIndicatorLines, useUserIndicatorLines } from '../../components/chart/user-indicators';
import { SubmitButton } from '../../components/form/SubmitButton';
import { Pane } from '../../components/layout/Pane';
import { ProgressPanel, progressPercent } from '../../components/ProgressPanel';
import { PnlByPeriod } from '../../components/pnl/PnlByPeriod';
import { DataTable } from '../../components/table/DataTable';
import { useBacktestStore, useCatalogueStore, useStores, useWorkspaceStore } from '../../stores/context';
import { METRIC_ROWS, runColumns, tradeColumns, tradeFocus, tradeKey } from './backtest-columns';
import { OptionsSummary, OptionTrades } from './options/OptionsResults';
import { OptionsRunFields } from './options/OptionsRunFields';
import {
  DEFAULT_OPTIONS_CHOICE,
  optionsFieldErrors,
  optionsRequest,
  optionsRunProblem,
} from './options/options-form-model';
import { underlyingMarkers } from './options/options-results-model';
import { RunComparison } from './RunComparison';
import { RunConfigFields, useRunConfigForm } from './RunConfigFields';
import { RunFilters } from './RunFilters';
import { RunLabelsPanel } from './RunLabelsPanel';
import { haltedText, haltHeadline, rejectionsText } from './run-account';
import { runLetter } from './run-comparison-model';
import { filterRuns, NO_RUN_FILTER, type RunFilter } from './run-filter';

const NO_INDICATORS: readonly Indicator[] = [];
const NO_TRADES: BacktestDetail['trades'] = [];

export function BacktestsView() {
  const backtestStore = useStores().backtests;
  const { runs, progress, selectedId, detail, runError, runFields, error } = useStore(backtestStore);
  const strategies = useCatalogueStore((s) => s.strategies);
  const options = useCatalogueStore((s) => s.options);
  const { load, run, runOptions, select, cancel, remove, clearRunError, toggleCompare } =
    backtestStore.getState();
  const compareIds = useStore(backtestStore, (s) => s.compareIds);
  const panels = useWorkspaceStore((s) => s.panels);
  const setPanel = useWorkspaceStore((s) => s.setPanel);
  const comparing = panels['bt-compare'] === true;

  const [runFilter, setRunFilter] = useState<RunFilter>(NO_RUN_FILTER);
  const shownRuns = useMemo(() => filterRuns(runs, runFilter), [runs, runFilter]);
  const selectedRun = runs.find((r) => r.id === selectedId);
  const form = useRunConfigForm(strategies, options);
  // What the form tests: an equity strategy on bars, or the Phase 4D SPY puts options run.
  const [kind, setKind] = useState<'equity' | 'options'>('equity');
  const [optionsChoice, setOptionsChoice] = useState(DEFAULT_OPTIONS_CHOICE);

  useEffect(() => {
    void load();
  }, [load]);

  const blockedBy = kind === 'options' ? optionsRunProblem(optionsChoice) : form.blockedBy;
  // Main's refusal of the last run, placed by field.
  const serverErrors = useMemo(
    () => ({
      data: problemsUnder(runFields, 'data'),
      config: problemsUnder(runFields, 'config'),
      params: problemsUnder(runFields, 'config.strategy.params'),
      risk: problemsUnder(runFields, 'config.risk'),
      venue: problemsUnder(runFields, 'config.venue'),
    }),
    [runFields],
  );
  const submit = () =>
    void (kind === 'options' ? runOptions(optionsRequest(optionsChoice)) : run(form.request())).then(
      (runId) => {
        // A new run is what the user wants to see: leave the comparison for its results.
        if (runId !== null) setPanel('bt-compare', false);
      },
    );

  const columns = useMemo(() => runColumns(progress), [progress]);
  const running = selectedId ? progress[selectedId] : undefined;
  // A refusal (a bad CSV row, a field out of bounds) shows above Run; the form may be scrolled past it.
  const runErrorRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (runError) runErrorRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [runError]);

  return (
    <section className="view backtests">
      <Pane name="bt-side" title="New backtest" axis="x" defaultSize={330} min={260} max={700}>
        <aside className="bt-config" aria-label="Backtest configuration" onChangeCapture={clearRunError}>
          <h2>New backtest</h2>
          <div className="bt-source" role="radiogroup" aria-label="What to test">
            <label className="pick">
              <input
                type="radio"
                name="bt-kind"
                value="equity"
                checked={kind === 'equity'}
                onChange={() => setKind('equity')}
              />
              A strategy on stock bars
            </label>
            <label className="pick">
              <input
                type="radio"
                name="bt-kind"
                value="options"
                checked={kind === 'options'}
                onChange={() => setKind('options')}
              />
              Phase 4D SPY puts (options)
            </label>
          </div>
          {kind === 'options' ? (
            <OptionsRunFields
              choice={optionsChoice}
              info={options?.optionsBacktest}
              onChange={setOptionsChoice}
              serverErrors={optionsFieldErrors(runFields)}
            />
          ) : (
            <RunConfigFields
              form={form}
              idPrefix="bt"
              strategies={strategies}
              options={options}
              serverErrors={serverErrors}
              panel={(name) => ({
                open: panels[`bt-${name}`] === true,
                onToggle: (open) => setPanel(`bt-${name}`, open),
              })}
            />
          )}
          {runError && (
            <div ref={runErrorRef} className="error-banner" role="alert" data-testid="backtest-run-error">
              {runError}
            </div>
          )}
          <SubmitButton id="bt-run" className="primary" blockedBy={blockedBy} onClick={submit}>
            Run backtest
          </SubmitButton>
        </aside>
      </Pane>

      <div className="bt-main">
        {error && (
          <div className="error-banner" role="alert">
            {error}
          </div>
        )}
        <RunFilters runs={runs} filter={runFilter} shown={shownRuns.length} onChange={setRunFilter} />
        <div className="bt-runs">
          <DataTable
            label="Backtest runs"
            rows={shownRuns}
            columns={columns}
            rowKey={(r) => r.id}
            selectedKey={comparing ? null : selectedId}
            onRowClick={(r) => {
              setPanel('bt-compare', false);
              void select(r.id);
            }}
            emptyText={
              runs.length > 0
                ? 'No run matches the filter.'
                : 'No backtests yet. Configure one on the left and press Run.'
            }
            filterable={false}
            height="100%"
            toolbar={
              <button
                type="button"
                className={comparing ? 'chip active' : 'chip'}
                aria-pressed={comparing}
                onClick={() => setPanel('bt-compare', !comparing)}
              >
                Compare runs
              </button>
            }
            actions={[
              // While comparing, each finished run has a tick; a ticked run shows its letter (A, B, C, D).
              {
                id: 'compare',
                label: (r) => {
                  const at = compareIds.indexOf(r.id);
                  return at < 0 ? 'Compare' : `Run ${runLetter(at)}`;
                },
                checked: (r) => compareIds.includes(r.id),
                hidden: (r) => !comparing || r.status !== 'done',
                title: 'Tick up to four runs to compare them side by side',
                onAction: (r) => void toggleCompare(r.id),
              },
              {
                id: 'cancel',
                label: 'Cancel',
                hidden: (r) => r.status !== 'running',
                onAction: (r) => void cancel(r.id),
              },
              {
                id: 'delete',
                label: 'Delete',
                tone: 'danger',
                hidden: (r) => r.status === 'running',
                onAction: (r) => void remove(r.id),
              },
            ]}
            actionsWidth={comparing ? 150 : 80}
          />
        </div>
        {!comparing && selectedRun && <RunLabelsPanel run={selectedRun} />}
        {comparing && <RunComparison />}
        {!comparing && selectedId && (detail?.id === selectedId || selectedRun?.status === 'done') && (
          <RunResults
            run={detail?.id === selectedId ? detail : selectedRun!}
            detail={detail?.id === selectedId ? detail : null}
            progressDone={running?.done ?? 0}
            progressTotal={running?.total ?? 0}
          />
        )}
        {!comparing && selectedId && detail?.id !== selectedId && selectedRun?.status !== 'done' && (
          <p className="muted">Loading run…</p>
        )}
      </div>
    </section>
  );
}

/**
 * A run's results. A finished run's chart, drawn from its newest bars, does not wait for its detail (a long run's
 * trades and fills take main a while): until the detail is in, `detail` is null and the run's summary gives the
 * figures; the equity, trades, markers and periods follow with it.
 */
function RunResults({
  run,
  detail,
  progressDone,
  progressTotal,
}: {
  run: BacktestSummary;
  detail: BacktestDetail | null;
  progressDone: number;
  progressTotal: number;
}) {
  const bars = useBacktestStore((s) => s.bars);
  const chartSymbol = useBacktestStore((s) => s.chartSymbol);
  const showSymbol = useBacktestStore((s) => s.showSymbol);
  const chartTimeframe = useBacktestStore((s) => s.chartTimeframe);
  const showTimeframe = useBacktestStore((s) => s.showTimeframe);
  const runTimeframe = run.data.timeframe;
  const shownTimeframe = chartTimeframe ?? runTimeframe;
  const timeframes = TIMEFRAMES.filter((t) => TIMEFRAME_MS[t] >= TIMEFRAME_MS[runTimeframe]);

  const equity = useMemo(
    () =>
      detail && {
        time: Float64Array.from(detail.equity.time),
        equity: Float64Array.from(detail.equity.equity),
        drawdown: Float64Array.from(detail.equity.drawdown, (d) => -d),
      },
    [detail],
  );
  const benchmark = useMemo(
    () =>
      detail && {
        time: Float64Array.from(detail.benchmark.time),
        values: Float64Array.from(detail.benchmark.equity),
        label: 'Buy and hold',
      },
    [detail],
  );
  // The bars arrive as columns (binary over the wire): the chart takes them as they are.
  const shown = bars && bars.symbol === chartSymbol ? bars : null;
  const strategyIndicators = shown?.indicators ?? NO_INDICATORS;
  // The trader's own indicators over the bars the chart holds (main computes them from the run's first bar).
  const userIndicators = useChartIndicators('backtest');
  const userChart = useMemo(
    () =>
      shown === null
        ? null
        : {
            kind: 'backtest' as const,
            runId: run.id,
            symbol: shown.symbol,
            timeframe: shown.timeframe,
            from: shown.start,
            end: shown.start + shown.length,
          },
    [shown, run.id],
  );
  const user = useUserIndicatorLines(userChart, userIndicators, null);
  const indicators = useMemo(
    () =>
      user.lines && shown
        ? [...strategyIndicators, ...alignIndicatorLines(user.lines, shown)]
        : strategyIndicators,
    [user.lines, shown, strategyIndicators],
  );
  const optionStats = optionsStatsOf(detail?.stats);
  const markers = useMemo<TradeMarker[]>(() => {
    if (!detail) return [];
    // An options run's fills are in contracts: shown on the underlying's candles at its price when they filled.
    if (optionsStatsOf(detail.stats) !== null)
      return underlyingMarkers(
        detail.fills,
        detail.trades,
        shown,
        TIMEFRAME_MS[shown?.timeframe ?? runTimeframe],
      );
    const exits = new Map(detail.trades.map((t) => [`${t.symbol}@${t.exitTime}`, t]));
    const entries = new Map(detail.trades.map((t) => [`${t.symbol}@${t.entryTime}`, t]));
    return detail.fills
      .filter((f) => f.symbol === chartSymbol)
      .map((f) => {
        const closed = exits.get(`${f.symbol}@${f.time}`);
        // The trade this fill closes, else the one it opens: hovering its marker points at that trade's row.
        const trade = closed ?? entries.get(`${f.symbol}@${f.time}`);
        return {
          time: f.time,
          side: f.side,
          qty: f.qty,
          price: f.price,
          ...(closed !== undefined && { pnl: closed.pnl }),
          ...(trade !== undefined && { rowKey: tradeKey(trade) }),
        };
      });
  }, [detail, chartSymbol, shown, runTimeframe]);
  // The trade row clicked (scrolls the chart to it) and the one whose marker is under the pointer.
  const [picked, setPicked] = useState<{ key: string; focus: ChartFocus } | null>(null);
  const [hoveredTrade, setHoveredTrade] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another run starts with nothing picked
  useEffect(() => setPicked(null), [run.id]);

  if (run.status === 'running') {
    return (
      <ProgressPanel done={progressDone} total={progressTotal} testId="backtest-progress">
        Running {run.name}: {progressPercent(progressDone, progressTotal)}% ({progressDone.toLocaleString()}{' '}
        of {progressTotal.toLocaleString()} bars)
      </ProgressPanel>
    );
  }
  if (run.status !== 'done' || !run.metrics || !run.benchmarkMetrics) {
    return (
      <div className={run.status === 'failed' ? 'error-banner' : 'muted'} role="status">
        {run.name}: {run.status}
        {run.error ? ` — ${run.error}` : ''}
      </div>
    );
  }
  const metrics = run.metrics;
  const bench = run.benchmarkMetrics;
  const stats = detail?.stats ?? null;
  const halted = haltHeadline(stats);
  return (
    <div className="bt-results" data-testid="backtest-results">
      {optionStats && detail && <OptionsSummary run={run} detail={detail} stats={optionStats} />}
      {halted && (
        <div className="bt-halt-headline" role="status" data-testid="backtest-halt-headline">
          {halted}
        </div>
      )}
      {optionStats === null && (
        <div className="bt-top">
          <table className="metrics" aria-label="Metrics">
            <thead>
              <tr>
                <th />
                <th>Strategy</th>
                <th>Buy and hold</th>
              </tr>
            </thead>
            <tbody>
              {METRIC_ROWS.map(([label, format]) => {
                const own = format(metrics);
                const held = format(bench);
                return (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    <td title={own.title}>{own.text}</td>
                    <td title={held.title}>{held.text}</td>
                  </tr>
                );
              })}
              {/* The strategy's own account: no buy-and-hold figure, and words that may wrap rather than widen the table. */}
              <tr>
                <th scope="row">Trading halted</th>
                <td colSpan={2} className="metrics-words">
                  {detail ? haltedText(stats) : '…'}
                </td>
              </tr>
              <tr>
                <th scope="row">Orders rejected</th>
                <td colSpan={2} className="metrics-words" data-testid="backtest-rejections">
                  {detail ? rejectionsText(stats) : '…'}
                </td>
              </tr>
            </tbody>
          </table>
          <div className="bt-equity">
            <EquityChart
              curve={equity}
              compare={benchmark}
              label="Strategy"
              ariaLabel="Equity curve and drawdown"
              emptyText="Loading the equity curve…"
            />
          </div>
        </div>
      )}

      <div className="bt-chart-head">
        <span>Chart</span>
        {run.data.symbols.map((s) => (
          <button
            key={s}
            type="button"
            className={s === chartSymbol ? 'chip active' : 'chip'}
            onClick={() => void showSymbol(s)}
          >
            {s}
          </button>
        ))}
        <fieldset className="bt-timeframes" aria-label="Chart timeframe">
          {timeframes.map((t) => (
            <button
              key={t}
              type="button"
              className={t === shownTimeframe ? 'chip active' : 'chip'}
              aria-pressed={t === shownTimeframe}
              onClick={() => void showTimeframe(t)}
            >
              {t}
            </button>
          ))}
        </fieldset>
        <IndicatorPicker chart="backtest" error={user.error} />
        <span className="muted small" data-testid="chart-bar-count" style={{ whiteSpace: 'nowrap' }}>
          {!shown
            ? ''
            : shown.start === 0
              ? `${shown.length.toLocaleString('en-US')} bars`
              : `newest ${shown.length.toLocaleString('en-US')} of ${shown.total.toLocaleString('en-US')} bars, loading older…`}
        </span>
        <span className="spacer" />
        <span className="muted small">{detail?.notes.join(' · ')}</span>
      </div>
      <Pane name="bt-chart" title="Chart" axis="y" defaultSize={520} min={220} max={2400}>
        <div className="bt-candles">
          <CandleChart
            bars={shown}
            markers={markers}
            focus={picked?.focus ?? null}
            onMarkerHover={setHoveredTrade}
            indicators={indicators}
            label={`${chartSymbol ?? ''} ${shownTimeframe} candles with trades`}
            utc
            emptyText="Loading bars…"
          />
        </div>
      </Pane>
      <Pane name="bt-trades" title="Trades" axis="y" defaultSize={280} min={80} max={1600}>
        <div className="bt-trades">
          {optionStats ? (
            <OptionTrades
              detail={detail}
              stats={optionStats}
              selectedKey={picked?.key ?? null}
              onPick={(key, focus) => setPicked({ key, focus })}
            />
          ) : (
            <DataTable
              label="Trades"
              rows={detail?.trades ?? NO_TRADES}
              columns={tradeColumns}
              rowKey={tradeKey}
              selectedKey={picked?.key ?? null}
              highlightedKey={hoveredTrade}
              onRowClick={(t) => {
                if (t.symbol !== chartSymbol) void showSymbol(t.symbol);
                setPicked({ key: tradeKey(t), focus: tradeFocus(t) });
              }}
              emptyText={detail ? 'No trades in this run.' : 'Loading trades…'}
              height="100%"
            />
          )}
        </div>
      </Pane>
      {detail && <PnlByPeriod source={{ kind: 'backtest', runId: detail.id }} />}
    </div>
  );
}
