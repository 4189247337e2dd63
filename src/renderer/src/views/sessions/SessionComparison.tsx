// Backtest versus paper for a session: the same strategy backtested over the session's own bars, side by side.
import { useMemo, useState } from 'react';
import type { PerformanceMetrics } from '../../../../shared/domain/metrics';
import type { SessionComparison } from '../../../../shared/domain/session';
import { useApi } from '../../api/context';
import { EquityChart } from '../../components/chart/EquityChart';
import { formatMoney, formatNumber, formatPercent } from '../../components/chart/format';
import { type MetricCell, metricCell } from '../backtests/backtest-columns';

const ROWS: readonly (readonly [string, (m: PerformanceMetrics) => MetricCell])[] = [
  ['Total return', (m) => ({ text: formatPercent(m.totalReturn, { signed: true }) })],
  ['Sharpe', (m) => metricCell(m, 'sharpe', () => formatNumber(m.sharpe, 2))],
  ['Max drawdown', (m) => ({ text: formatPercent(m.maxDrawdown) })],
  ['Win rate', (m) => ({ text: formatPercent(m.winRate) })],
  ['Trades', (m) => ({ text: formatNumber(m.trades, 0) })],
  ['Fees', (m) => ({ text: formatMoney(m.fees) })],
  ['End equity', (m) => ({ text: formatMoney(m.endEquity) })],
];

export function SessionComparisonPanel({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const [comparison, setComparison] = useState<SessionComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    const result = await api.call('session:compare', { sessionId });
    setLoading(false);
    if (result.ok) {
      setComparison(result.value);
      setError(null);
    } else setError(result.error.message);
  };

  const curves = useMemo(
    () =>
      comparison && {
        paper: {
          time: Float64Array.from(comparison.paper.time),
          equity: Float64Array.from(comparison.paper.equity),
        },
        backtest: {
          time: Float64Array.from(comparison.backtest.time),
          values: Float64Array.from(comparison.backtest.equity),
          label: 'Backtest of the same bars',
        },
      },
    [comparison],
  );

  return (
    <section className="ss-compare" aria-label="Backtest versus paper">
      <div className="ss-reports-head">
        <h3>Backtest versus paper</h3>
        <button type="button" className="chip" onClick={() => void load()} disabled={loading}>
          {comparison ? 'Compare again' : 'Compare with backtest'}
        </button>
        {comparison && (
          <span className="muted small">
            {comparison.barTimes.toLocaleString()} bars · {comparison.fills.matched} of{' '}
            {comparison.fills.paper} paper fills matched
          </span>
        )}
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      {comparison && curves && (
        <div className="ss-compare-body">
          <div>
            <table className="metrics" aria-label="Paper and backtest metrics">
              <thead>
                <tr>
                  <th />
                  <th>Paper</th>
                  <th>Backtest</th>
                </tr>
              </thead>
              <tbody>
                {ROWS.map(([label, format]) => {
                  const paper = format(comparison.paper.metrics);
                  const backtest = format(comparison.backtest.metrics);
                  return (
                    <tr key={label}>
                      <th scope="row">{label}</th>
                      <td title={paper.title}>{paper.text}</td>
                      <td title={backtest.title}>{backtest.text}</td>
                    </tr>
                  );
                })}
                <tr>
                  <th scope="row">Slippage on matched fills</th>
                  <td colSpan={2}>{formatMoney(comparison.fills.slippageCost, { signed: true })}</td>
                </tr>
                <tr>
                  <th scope="row">Rejected / timed out</th>
                  <td colSpan={2}>
                    {comparison.paperRejected} / {comparison.paperCanceled}
                  </td>
                </tr>
                <tr>
                  <th scope="row">Unmatched fills</th>
                  <td colSpan={2}>
                    paper {comparison.fills.onlyPaper} · backtest {comparison.fills.onlyBacktest}
                  </td>
                </tr>
              </tbody>
            </table>
            <ul className="ss-explanation" data-testid="comparison-explanation">
              {comparison.explanation.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
          <div className="ss-compare-chart">
            <EquityChart
              curve={curves.paper}
              compare={curves.backtest}
              label="Paper"
              ariaLabel="Paper and backtest equity"
            />
          </div>
        </div>
      )}
    </section>
  );
}
