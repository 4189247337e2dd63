// An options run (Phase 4D SPY puts) on the session page: its option positions, the monitor's checks with their
// bands against the backtest's promise, skipped days by reason, the last fills against the model, the price source
// and where the daily report is written.
import { useCallback, useEffect, useState } from 'react';
import type { OptionPositionRow, OptionsMonitor } from '../../../../shared/domain/options';
import { useApi } from '../../api/context';
import { formatMoney, formatPnl, formatPrice } from '../../components/chart/format';
import {
  awaitsData,
  BAND_TEXT,
  bandChip,
  checkValue,
  contractLabel,
  easternTime,
  fillVsModel,
  occLabel,
  reasonLabel,
} from './options-panel-model';
import './options-panel.css';
import './parity.css';

/** The newest fills shown against the model (the daily report holds them all). */
const LAST_FILLS = 6;

/** `refreshKey` changes with the run's pushes (fills, equity, state), so the panel is re-read without polling. */
export function OptionsPanel({ runId, refreshKey }: { runId: string; refreshKey: string }) {
  const api = useApi();
  const [monitor, setMonitor] = useState<OptionsMonitor | null>(null);
  const [positions, setPositions] = useState<readonly OptionPositionRow[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [m, p] = await Promise.all([
      api.call('session:options-monitor', { runId }),
      api.call('session:option-positions', { runId }),
    ]);
    if (m.ok) setMonitor(m.value);
    if (p.ok) setPositions(p.value);
    setError(!m.ok ? m.error.message : !p.ok ? p.error.message : null);
  }, [api, runId]);

  useEffect(() => {
    void refreshKey;
    void load();
  }, [load, refreshKey]);

  const skipped = monitor ? Object.entries(monitor.skippedByReason).sort((a, b) => b[1] - a[1]) : [];
  const fills = monitor ? monitor.fills.slice(-LAST_FILLS).reverse() : [];
  // The overall band counts only checks with data: say how many are still waiting for it.
  const waiting = monitor ? monitor.checks.filter(awaitsData).length : 0;

  return (
    <section className="opt-panel" aria-label="Options">
      <div className="ss-reports-head">
        <h3>Options{monitor ? ` · Phase 4D ${monitor.preset.toUpperCase()}` : ''}</h3>
        {monitor && (
          <span className={`opt-band opt-band-${monitor.band} opt-overall`} data-testid="options-overall">
            Overall: {BAND_TEXT[monitor.band]}
          </span>
        )}
        {monitor && waiting > 0 && (
          <span className="muted small" data-testid="options-waiting">
            {waiting} of the banded checks {waiting === 1 ? 'has' : 'have'} no data yet
          </span>
        )}
        {monitor && (
          <span className="muted small" data-testid="options-day">
            day {monitor.day} · target {formatMoney(monitor.targetDailyPnl)} a day
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="chip" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      {monitor && (
        <p className="opt-source muted small" data-testid="options-price-source">
          Price source: {monitor.priceSource}
        </p>
      )}
      {monitor && (
        <ul className="opt-checks" aria-label="Monitor checks">
          {monitor.checks.map((check) => {
            const chip = bandChip(check);
            return (
              <li key={check.id} className="opt-check" data-testid={`check-${check.id}`}>
                <div className="opt-check-head">
                  <span className="opt-check-label">{check.label}</span>
                  <span className={chip.className}>{chip.text}</span>
                </div>
                <div className={`opt-check-value${check.value === null ? ' muted' : ''}`}>
                  {checkValue(check)}
                </div>
                <div className="muted small">{check.target}</div>
              </li>
            );
          })}
        </ul>
      )}
      {monitor && monitor.riskBreaches.length > 0 && (
        <ul className="opt-breaches" aria-label="Risk breaches">
          {monitor.riskBreaches.map((breach) => (
            <li key={breach}>{breach}</li>
          ))}
        </ul>
      )}
      {monitor && (
        <dl className="parity-counts opt-figures" data-testid="options-figures">
          <div>
            <dt>Trading days (traded of decided)</dt>
            <dd>
              {monitor.tradedDays} of {monitor.tradingDays}
            </dd>
          </div>
          <div>
            <dt>Trades</dt>
            <dd>{monitor.trades}</dd>
          </div>
          <div>
            <dt>Skipped days by reason</dt>
            <dd data-testid="options-skipped">
              {skipped.length === 0
                ? 'none'
                : skipped.map(([reason, days]) => `${reasonLabel(reason)} ${days}`).join(' · ')}
            </dd>
          </div>
        </dl>
      )}
      <div className="opt-col">
        <h4>Option positions</h4>
        <table className="parity-table" aria-label="Option positions">
          <thead>
            <tr>
              <th>Contract</th>
              <th className="num">Contracts</th>
              <th className="num">Avg premium</th>
              <th className="num">Bid / Ask</th>
              <th className="num">Unrealized</th>
            </tr>
          </thead>
          <tbody>
            {positions.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No open option position.
                </td>
              </tr>
            )}
            {positions.map((p) => {
              const pnl = formatPnl(p.unrealizedPnl);
              return (
                <tr key={p.symbol} title={p.symbol}>
                  <td className="mono">{contractLabel(p)}</td>
                  <td className="num">{p.contracts}</td>
                  <td className="num">{formatPrice(p.avgPremium, 2)}</td>
                  <td className="num">
                    {formatPrice(p.bid, 2)} / {formatPrice(p.ask, 2)}
                  </td>
                  <td className={`num${pnl.tone ? ` mb-tone-${pnl.tone}` : ''}`}>{pnl.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {monitor && (
        <div className="opt-col">
          <h4>Last fills against the model</h4>
          <table className="parity-table" aria-label="Fills against the model">
            <thead>
              <tr>
                <th>Time</th>
                <th>Contract</th>
                <th>Side</th>
                <th className="num">Contracts</th>
                <th className="num">Price</th>
                <th className="num">Model</th>
                <th className="num">Against the model</th>
              </tr>
            </thead>
            <tbody>
              {fills.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No fills yet.
                  </td>
                </tr>
              )}
              {fills.map((f) => {
                const vs = fillVsModel(f);
                return (
                  <tr key={`${f.time}:${f.symbol}:${f.side}:${f.price}`}>
                    <td className="mono">{easternTime(f.time)}</td>
                    <td className="mono">{occLabel(f.symbol)}</td>
                    <td>{f.side}</td>
                    <td className="num">{f.contracts}</td>
                    <td className="num">{formatPrice(f.price, 2)}</td>
                    <td className="num">{formatPrice(f.expectedPrice, 2)}</td>
                    <td className={`num${vs.tone ? ` mb-tone-${vs.tone}` : ''}`}>{vs.text}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small" data-testid="options-report">
            Daily report:{' '}
            {monitor.reportPath ? (
              <span className="mono">{monitor.reportPath}</span>
            ) : (
              'written at the close of each trading day'
            )}
          </p>
        </div>
      )}
    </section>
  );
}
