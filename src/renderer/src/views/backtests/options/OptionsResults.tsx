// The results of a Phase 4D options run: its figures in a trader's words beside the equity curve, the price source
// and settlement rule stated, and its trades with each contract named (SPY 2025-01-07 591 P).
import { useMemo } from 'react';
import type { BacktestDetail, BacktestSummary } from '../../../../../shared/domain/backtest';
import type { OptionsRunStats } from '../../../../../shared/domain/options-backtest';
import type { ChartFocus } from '../../../components/chart/chart-data';
import { EquityChart } from '../../../components/chart/EquityChart';
import { DataTable } from '../../../components/table/DataTable';
import { optionsFigures, optionTradeColumns, optionTradeViews } from './options-results-model';

const toneClass = (tone: 'up' | 'down' | undefined) => (tone === undefined ? undefined : `tone-${tone}`);

/** The figures and the equity curve of an options run, in place of an equity run's metrics table. */
export function OptionsSummary({
  run,
  detail,
  stats,
}: {
  readonly run: BacktestSummary;
  readonly detail: BacktestDetail;
  readonly stats: OptionsRunStats;
}) {
  const equity = useMemo(
    () => ({
      time: Float64Array.from(detail.equity.time),
      equity: Float64Array.from(detail.equity.equity),
      drawdown: Float64Array.from(detail.equity.drawdown, (d) => -d),
    }),
    [detail],
  );
  const benchmark = useMemo(
    () => ({
      time: Float64Array.from(detail.benchmark.time),
      values: Float64Array.from(detail.benchmark.equity),
      label: `Buy and hold ${stats.underlying}`,
    }),
    [detail, stats.underlying],
  );
  const period =
    stats.firstDay === null ? 'no trading day' : `${stats.firstDay} → ${stats.lastDay ?? stats.firstDay}`;
  return (
    <div className="bt-options" data-testid="options-results">
      <div className="bt-top">
        <div className="bt-options-figures">
          <p className="bt-options-head">
            Phase 4D {stats.preset.toUpperCase()} · {stats.underlying} puts · {run.data.timeframe} bars ·{' '}
            {period}
          </p>
          <table className="metrics" aria-label="Options figures">
            <tbody>
              {optionsFigures(stats).map((figure) => (
                <tr key={figure.label}>
                  <th scope="row">{figure.label}</th>
                  <td className={`metrics-words ${toneClass(figure.tone) ?? ''}`} title={figure.title}>
                    {figure.text}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <dl className="bt-options-rules small" data-testid="options-rules">
            <dt>Prices</dt>
            <dd>{stats.priceSource}</dd>
            <dt>Volatility</dt>
            <dd>{stats.volatilitySource}</dd>
            <dt>Settlement</dt>
            <dd>{stats.settlementRule}</dd>
          </dl>
        </div>
        <div className="bt-equity">
          <EquityChart
            curve={equity}
            compare={benchmark}
            label="Phase 4D"
            ariaLabel="Equity curve and drawdown"
            emptyText="No equity curve."
          />
        </div>
      </div>
    </div>
  );
}

/** The run's round trips in contracts, premiums per share and dollars of P&L. */
export function OptionTrades({
  detail,
  stats,
  selectedKey,
  onPick,
}: {
  readonly detail: BacktestDetail | null;
  readonly stats: OptionsRunStats;
  readonly selectedKey: string | null;
  readonly onPick: (key: string, focus: ChartFocus) => void;
}) {
  const rows = useMemo(() => (detail ? optionTradeViews(detail.trades, stats) : []), [detail, stats]);
  const columns = useMemo(() => optionTradeColumns(stats.underlying), [stats.underlying]);
  return (
    <DataTable
      label="Option trades"
      rows={rows}
      columns={columns}
      rowKey={(t) => `${t.symbol}@${t.entryTime}`}
      selectedKey={selectedKey}
      onRowClick={(t) =>
        onPick(`${t.symbol}@${t.entryTime}`, {
          entryTime: t.entryTime,
          entryPrice: t.underlyingAtEntry ?? t.entryPrice,
          exitTime: t.exitTime,
        })
      }
      emptyText={detail ? 'No trades in this run.' : 'Loading trades…'}
      height="100%"
    />
  );
}
