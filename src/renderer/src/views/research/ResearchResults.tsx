// A research run's results: for an optimisation every cell in a table, a heat map of two parameters and the best
// cells with "Open as backtest" / "Use in a session"; for a walk-forward its folds, the stitched out-of-sample
// equity, the efficiency and the parameters' stability; for a Monte Carlo the fan chart, percentiles and ruin.
import { useMemo, useState } from 'react';
import type {
  MonteCarloResult,
  OptimizeResult,
  ParamSet,
  Percentiles,
  ResearchCell,
  WalkForwardFold,
  WalkForwardResult,
} from '../../../../shared/domain/research';
import { EquityChart } from '../../components/chart/EquityChart';
import { FanChart } from '../../components/chart/FanChart';
import { formatMoney, formatPercent, formatTime } from '../../components/chart/format';
import { HeatMap } from '../../components/chart/HeatMap';
import { heatGrid } from '../../components/chart/heat-map-model';
import { type Column, DataTable } from '../../components/table/DataTable';
import { useStores } from '../../stores/context';
import { formatMetric, formatParam, METRIC_LABELS, metricOf, paramsText, topCells } from './research-model';

export function OptimizeResults({ result }: { result: OptimizeResult }) {
  const research = useStores().research.getState();
  const [selected, setSelected] = useState<number | null>(result.best);
  const [x, setX] = useState(result.parameters[0] ?? '');
  const [y, setY] = useState(result.parameters[1] ?? result.parameters[0] ?? '');
  const [busy, setBusy] = useState(false);
  const objectiveLabel = METRIC_LABELS[result.objective];
  const byIndex = useMemo(() => new Map(result.cells.map((c) => [c.index, c])), [result]);
  const columns = useMemo(() => cellColumns(result), [result]);
  const grid = useMemo(
    () =>
      heatGrid(
        result.cells.map((c) => ({ index: c.index, params: c.params, value: c.objective })),
        x,
        y,
      ),
    [result, x, y],
  );
  const best = topCells(result.cells, 5);
  const picked = selected === null ? null : (byIndex.get(selected) ?? null);
  const describe = (index: number): string[] => {
    const cell = byIndex.get(index);
    if (!cell) return [];
    return [
      paramsText(cell.params, result.parameters),
      `${objectiveLabel} ${formatMetric(result.objective, cell.objective)}`,
      [
        ...(result.objective === 'sharpe' ? [] : [`Sharpe ${formatMetric('sharpe', cell.metrics.sharpe)}`]),
        `CAGR ${formatMetric('cagr', cell.metrics.cagr)}`,
      ].join(' · '),
      `Max DD ${formatMetric('maxDrawdown', cell.metrics.maxDrawdown)} · ${cell.metrics.trades} trades`,
      ...(cell.excluded ? [`not eligible: ${cell.excluded}`] : []),
    ];
  };
  const act = (action: (params: ParamSet) => unknown, params: ParamSet) => {
    setBusy(true);
    void Promise.resolve(action(params)).finally(() => setBusy(false));
  };
  // The best cell carries the strategy's full parameters (defaults filled in); any other the searched ones.
  const paramsOf = (cell: ResearchCell): ParamSet =>
    cell.index === result.best && result.bestParams ? result.bestParams : cell.params;

  return (
    <div className="rs-results" data-testid="optimize-results">
      {result.notes.length > 0 && <p className="muted small">{result.notes.join(' · ')}</p>}
      <div className="rs-best">
        <h3>Best cells by {objectiveLabel}</h3>
        {best.length === 0 ? (
          <p className="warn-banner" role="status">
            No cell is eligible (too few trades or a constraint failed in every cell).
          </p>
        ) : (
          <ol data-testid="best-cells">
            {best.map((cell) => (
              <li key={cell.index}>
                <button type="button" className="link" onClick={() => setSelected(cell.index)}>
                  {paramsText(cell.params, result.parameters)}
                </button>{' '}
                <span className="muted">
                  {objectiveLabel} {formatMetric(result.objective, cell.objective)} · final{' '}
                  {formatMoney(cell.finalEquity)}
                </span>
              </li>
            ))}
          </ol>
        )}
        {picked && (
          <div className="rs-actions">
            <span>
              Cell: <strong>{paramsText(picked.params, result.parameters)}</strong>
            </span>
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => act(research.openAsBacktest, paramsOf(picked))}
            >
              Open as backtest
            </button>
            <button
              type="button"
              className="mb-btn"
              onClick={() => act(research.useInSession, paramsOf(picked))}
            >
              Use in a session
            </button>
          </div>
        )}
      </div>
      {result.parameters.length >= 1 && (
        <div className="rs-heat">
          <div className="rs-heat-head">
            <span>Heat map of {objectiveLabel}</span>
            <label>
              across{' '}
              <select aria-label="Heat map across" value={x} onChange={(e) => setX(e.target.value)}>
                {result.parameters.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <label>
              up{' '}
              <select aria-label="Heat map up" value={y} onChange={(e) => setY(e.target.value)}>
                {result.parameters.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            {result.parameters.length > 2 && (
              <span className="muted small">each square: the best over the other parameters</span>
            )}
          </div>
          <HeatMap
            grid={grid}
            xLabel={x}
            yLabel={y}
            formatValue={(v) => formatMetric(result.objective, v)}
            describe={describe}
            selected={selected}
            onSelect={setSelected}
            ariaLabel={`Heat map of ${objectiveLabel} by ${x} and ${y}`}
          />
        </div>
      )}
      <div className="rs-cells-table">
        <DataTable
          label="Cells"
          rows={result.cells}
          columns={columns}
          rowKey={(c) => String(c.index)}
          selectedKey={selected === null ? null : String(selected)}
          scrollToSelected
          onRowClick={(c) => setSelected(c.index)}
          initialSort={{ column: 'objective', direction: 'desc' }}
          height="100%"
        />
      </div>
    </div>
  );
}

function cellColumns(result: OptimizeResult): Column<ResearchCell>[] {
  const metric = (id: 'sharpe' | 'cagr' | 'maxDrawdown', header: string): Column<ResearchCell> => ({
    id,
    header,
    value: (c) => metricOf(c.metrics, id),
    format: (v) => formatMetric(id, typeof v === 'number' ? v : null),
  });
  return [
    {
      id: 'best',
      header: '',
      value: (c) => (c.index === result.best ? '★ best' : ''),
      width: 64,
      tone: () => 'up',
    },
    ...result.parameters.map(
      (name): Column<ResearchCell> => ({
        id: `p-${name}`,
        header: name,
        value: (c) => {
          const v = c.params[name];
          return typeof v === 'number' ? v : v === undefined ? null : String(v);
        },
        format: (v) => formatParam(v),
      }),
    ),
    {
      id: 'objective',
      header: METRIC_LABELS[result.objective],
      value: (c) => c.objective,
      format: (v) => formatMetric(result.objective, typeof v === 'number' ? v : null),
    },
    // The objective's own column already shows it.
    ...[metric('sharpe', 'Sharpe'), metric('cagr', 'CAGR'), metric('maxDrawdown', 'Max DD')].filter(
      (column) => column.id !== result.objective,
    ),
    { id: 'trades', header: 'Trades', value: (c) => c.metrics.trades },
    {
      id: 'final',
      header: 'Final equity',
      value: (c) => c.finalEquity,
      format: (v) => formatMoney(v as number),
    },
    {
      id: 'excluded',
      header: 'Not eligible',
      value: (c) => c.excluded ?? '',
      tone: () => 'muted',
      width: 'minmax(120px, 2fr)',
      priority: 2,
    },
  ];
}

const day = (ms: number) => formatTime(ms, { utc: true, part: 'day' });

/** In-sample and out-of-sample Sharpe, beside the objective's own columns. */
const FOLD_SHARPE_COLUMNS: Column<WalkForwardFold>[] = [
  {
    id: 'is-sharpe',
    header: 'IS Sharpe',
    value: (f) => metricOf(f.inSample, 'sharpe'),
    format: (v) => formatMetric('sharpe', v as number | null),
    priority: 2,
  },
  {
    id: 'oos-sharpe',
    header: 'OOS Sharpe',
    value: (f) => metricOf(f.outOfSample, 'sharpe'),
    format: (v) => formatMetric('sharpe', v as number | null),
  },
];

export function WalkForwardResults({ result }: { result: WalkForwardResult }) {
  const objectiveLabel = METRIC_LABELS[result.objective];
  const names = result.stability.map((s) => s.name);
  const columns = useMemo<Column<WalkForwardFold>[]>(
    () => [
      { id: 'fold', header: 'Fold', value: (f) => f.fold, width: 56 },
      { id: 'train', header: 'Train', value: (f) => `${day(f.trainFrom)} → ${day(f.trainTo)}`, fit: true },
      { id: 'test', header: 'Test', value: (f) => `${day(f.testFrom)} → ${day(f.testTo)}`, fit: true },
      {
        id: 'params',
        header: 'Chosen',
        value: (f) => (f.params ? paramsText(f.params, names) : (f.problem ?? '')),
        fit: true,
      },
      {
        id: 'is-obj',
        header: `IS ${objectiveLabel}`,
        value: (f) => metricOf(f.inSample, result.objective),
        format: (v) => formatMetric(result.objective, v as number | null),
      },
      {
        id: 'oos-obj',
        header: `OOS ${objectiveLabel}`,
        value: (f) => metricOf(f.outOfSample, result.objective),
        format: (v) => formatMetric(result.objective, v as number | null),
      },
      // With Sharpe as the objective its columns are already there.
      ...(result.objective === 'sharpe' ? [] : FOLD_SHARPE_COLUMNS),
      {
        id: 'is-return',
        header: 'IS return',
        value: (f) => metricOf(f.inSample, 'totalReturn'),
        format: (v) => formatMetric('totalReturn', v as number | null),
        priority: 2,
      },
      {
        id: 'oos-return',
        header: 'OOS return',
        value: (f) => metricOf(f.outOfSample, 'totalReturn'),
        format: (v) => formatMetric('totalReturn', v as number | null),
        tone: (f) => {
          const r = metricOf(f.outOfSample, 'totalReturn');
          return r === null ? undefined : r >= 0 ? 'up' : 'down';
        },
      },
    ],
    [result, names, objectiveLabel],
  );
  const curve = useMemo(
    () => ({
      time: Float64Array.from(result.oosEquity.time),
      equity: Float64Array.from(result.oosEquity.equity),
    }),
    [result],
  );
  const weak = result.efficiency !== null && result.efficiency < 0.5;
  return (
    <div className="rs-results" data-testid="walk-forward-results">
      <div className="rs-efficiency">
        <span>
          Walk-forward efficiency{' '}
          <strong data-testid="wf-efficiency">
            {result.efficiency === null ? 'undefined' : result.efficiency.toFixed(2)}
          </strong>{' '}
          <span className="muted small">(annualised out-of-sample return ÷ in-sample)</span>
        </span>
        {result.oosMetrics && (
          <span className="muted">
            OOS: return {formatMetric('totalReturn', result.oosMetrics.totalReturn)} · Sharpe{' '}
            {formatMetric('sharpe', result.oosMetrics.sharpe)} · max DD{' '}
            {formatMetric('maxDrawdown', result.oosMetrics.maxDrawdown)}
          </span>
        )}
      </div>
      {(weak || result.warnings.length > 0) && (
        <div className="warn-banner" role="alert" data-testid="wf-warning">
          {result.warnings.length > 0
            ? result.warnings.join(' ')
            : `Walk-forward efficiency ${result.efficiency?.toFixed(2)} is below 0.5: the in-sample results do not carry out of sample.`}
        </div>
      )}
      {result.notes.length > 0 && <p className="muted small">{result.notes.join(' · ')}</p>}
      <div className="rs-folds">
        <DataTable
          label="Folds"
          rows={result.folds}
          columns={columns}
          rowKey={(f) => String(f.fold)}
          height="100%"
        />
      </div>
      <div className="rs-oos">
        <EquityChart curve={curve} label="Out of sample" ariaLabel="Stitched out-of-sample equity" utc />
      </div>
      <table className="metrics rs-stability" aria-label="Parameter stability">
        <thead>
          <tr>
            <th>Parameter</th>
            {result.folds.map((f) => (
              <th key={f.fold}>Fold {f.fold}</th>
            ))}
            <th>Changes</th>
          </tr>
        </thead>
        <tbody>
          {result.stability.map((s) => (
            <tr key={s.name}>
              <th scope="row">{s.name}</th>
              {s.values.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: one value per fold, in fold order
                <td key={i}>{formatParam(v)}</td>
              ))}
              <td>
                {s.changes} of {Math.max(0, s.values.length - 1)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PERCENTILE_ROWS: readonly [keyof Percentiles, string][] = [
  ['p5', '5th'],
  ['p25', '25th'],
  ['p50', 'Median'],
  ['p75', '75th'],
  ['p95', '95th'],
  ['mean', 'Mean'],
];

/** "In 3.2% of 10,000 runs the account lost half of its starting equity at some point." */
export function ruinText(result: MonteCarloResult): string {
  const loss = formatPercent(result.settings.ruinLoss, { decimals: 0 });
  // A small chance keeps its figures (0.07%, not 0.1%).
  const share = formatPercent(result.ruinProbability, { decimals: result.ruinProbability < 0.01 ? 2 : 1 });
  const runs = result.settings.runs.toLocaleString('en-US');
  if (result.ruinProbability === 0)
    return `In none of ${runs} runs did the account ever lose ${loss} of its starting equity.`;
  return `In ${share} of ${runs} runs the account lost ${loss} of its starting equity at some point.`;
}

export function MonteCarloResults({ result }: { result: MonteCarloResult }) {
  return (
    <div className="rs-results" data-testid="monte-carlo-results">
      <p>
        {result.trades.toLocaleString('en-US')} trades resampled{' '}
        {result.settings.runs.toLocaleString('en-US')} times ({result.settings.method}, seed{' '}
        {result.settings.seed}). The actual order ended at{' '}
        <strong>{formatMoney(result.actual.finalEquity)}</strong> with a max drawdown of{' '}
        {formatPercent(result.actual.maxDrawdown)}.
      </p>
      <p className={result.ruinProbability > 0.05 ? 'warn-banner' : ''} data-testid="ruin-text" role="status">
        {ruinText(result)}
      </p>
      <div className="rs-fan">
        <FanChart
          bands={result.bands}
          startEquity={result.startEquity}
          actualFinal={result.actual.finalEquity}
          actualPath={result.actual.path}
          ariaLabel="Monte Carlo fan chart of equity by trade"
        />
      </div>
      <table className="metrics" aria-label="Percentiles">
        <thead>
          <tr>
            <th>Percentile</th>
            <th>Final equity</th>
            <th>Max drawdown</th>
          </tr>
        </thead>
        <tbody>
          {PERCENTILE_ROWS.map(([key, label]) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td>{formatMoney(result.finalEquity[key])}</td>
              <td>{formatPercent(result.maxDrawdown[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.notes.length > 0 && <p className="muted small">{result.notes.join(' · ')}</p>}
    </div>
  );
}
