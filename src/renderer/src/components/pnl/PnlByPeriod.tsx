// P&L by day, week, month and year of a backtest run or a paper session (freqtrade's --breakdown): a calendar heat
// map (green up, red down, stronger for larger moves) beside a table of the same periods.
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  type PnlByPeriod as Periods,
  PNL_PERIODS,
  type PnlPeriod,
  type PnlPeriodRow,
} from '../../../../shared/domain/research';
import { useApi } from '../../api/context';
import { formatMoney, formatPercent, toneOf } from '../chart/format';
import { type Column, DataTable } from '../table/DataTable';
import { defaultPeriod, type HeatCell, heatGrid } from './pnl-heatmap';

export type PnlSource =
  | { readonly kind: 'backtest'; readonly runId: string }
  | { readonly kind: 'session'; readonly sessionId: string };

const PERIOD_LABELS: Readonly<Record<PnlPeriod, string>> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  year: 'Year',
};

const columns: Column<PnlPeriodRow>[] = [
  { id: 'period', header: 'Period', value: (r) => r.label },
  {
    id: 'pnl',
    header: 'P&L',
    align: 'right',
    value: (r) => r.pnl,
    format: (v) => formatMoney(v as number, { signed: true }),
    tone: (r) => toneOf(r.pnl),
  },
  {
    id: 'return',
    header: 'Return',
    align: 'right',
    value: (r) => r.returnPct,
    format: (v) => formatPercent(v as number | null, { signed: true }),
    tone: (r) => toneOf(r.returnPct),
  },
  { id: 'trades', header: 'Trades', align: 'right', value: (r) => r.trades },
  { id: 'wins', header: 'Wins', align: 'right', value: (r) => r.wins },
];

function cellTitle(cell: HeatCell): string {
  const p = cell.period;
  const trades = p.trades === 1 ? '1 trade' : `${p.trades} trades`;
  return `${p.label}: ${formatMoney(p.pnl, { signed: true })} (${formatPercent(p.returnPct, { signed: true })}), ${trades}, ${p.wins} won`;
}

function HeatMap({ period, rows }: { period: PnlPeriod; rows: readonly PnlPeriodRow[] }) {
  const grid = useMemo(() => heatGrid(period, rows), [period, rows]);
  const wide = period === 'month' || period === 'year';
  return (
    <div className={`pnl-heat pnl-heat-${period}`} role="img" aria-label={`P&L by ${period}, heat map`}>
      <div
        className="pnl-heat-grid"
        style={{
          gridTemplateColumns: `auto repeat(${grid.columnLabels.length}, ${period === 'year' ? '48px' : wide ? '40px' : '12px'})`,
          gridTemplateRows: `auto repeat(${grid.rowLabels.length}, ${wide ? '24px' : '12px'})`,
        }}
      >
        {grid.columnLabels.map((label, c) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: a column's position is its identity
            key={`c${c}`}
            className="pnl-heat-label"
            style={{ gridColumn: c + 2, gridRow: 1 }}
          >
            {label}
          </span>
        ))}
        {grid.rowLabels.map((label, r) => (
          <span key={`r${label}`} className="pnl-heat-label" style={{ gridColumn: 1, gridRow: r + 2 }}>
            {label}
          </span>
        ))}
        {grid.cells.map((cell) => (
          <span
            key={cell.period.label}
            className={`pnl-cell pnl-${cell.tone}`}
            data-testid="pnl-cell"
            title={cellTitle(cell)}
            style={{
              gridColumn: cell.column + 2,
              gridRow: cell.row + 2,
              // the colour's share grows with the size of the move; a flat period keeps the border colour
              ['--pnl-strength' as string]: `${Math.round(15 + 85 * cell.intensity)}%`,
            }}
          >
            {wide ? formatPercent(cell.period.returnPct, { signed: true, decimals: 1 }) : ''}
          </span>
        ))}
      </div>
    </div>
  );
}

/** `refreshKey` changes when the run changes (status, new fills), so the periods are read again without polling. */
export function PnlByPeriod({ source, refreshKey }: { source: PnlSource; refreshKey?: string }) {
  const api = useApi();
  const [periods, setPeriods] = useState<Periods | null>(null);
  const [chosen, setChosen] = useState<PnlPeriod | null>(null);
  const [error, setError] = useState<string | null>(null);
  const kind = source.kind;
  const id = source.kind === 'backtest' ? source.runId : source.sessionId;

  const load = useCallback(async () => {
    const result =
      kind === 'backtest'
        ? await api.call('backtest:periods', { runId: id })
        : await api.call('session:periods', { sessionId: id });
    if (result.ok) {
      setPeriods(result.value);
      setError(null);
    } else setError(result.error.message);
  }, [api, kind, id]);

  useEffect(() => {
    void refreshKey;
    void load();
  }, [load, refreshKey]);

  const period = chosen ?? (periods ? defaultPeriod(periods.day.length) : 'month');
  const rows = periods?.[period] ?? [];
  return (
    <section className="pnl-periods" aria-label="P&L by period" data-testid="pnl-periods">
      <div className="pnl-periods-head">
        <h3>P&amp;L by period</h3>
        <fieldset className="pnl-period-choice" aria-label="Period">
          {PNL_PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              className={p === period ? 'chip active' : 'chip'}
              aria-pressed={p === period}
              onClick={() => setChosen(p)}
            >
              {PERIOD_LABELS[p]}
            </button>
          ))}
        </fieldset>
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <div className="pnl-periods-body">
        {rows.length > 0 ? (
          <HeatMap period={period} rows={rows} />
        ) : (
          <div className="muted pnl-heat">{periods ? 'No equity recorded yet.' : 'Loading…'}</div>
        )}
        <div className="pnl-periods-table">
          <DataTable
            label={`P&L by ${period}`}
            rows={rows}
            columns={columns}
            rowKey={(r) => r.label}
            emptyText="No periods yet."
            filterable={false}
            height="100%"
          />
        </div>
      </div>
    </section>
  );
}
