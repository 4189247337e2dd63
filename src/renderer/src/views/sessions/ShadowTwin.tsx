// An Alpaca run beside its simulator twin: both equity curves, and per fill what the broker did that the simulator
// on the same bars did not — slippage in $, timing in bars, fills only one of them made — with totals.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ShadowFill, ShadowView } from '../../../../shared/domain/shadow';
import { useApi } from '../../api/context';
import { EquityChart } from '../../components/chart/EquityChart';
import { formatMoney, formatNumber } from '../../components/chart/format';
import './parity.css';

const time = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
const fillText = (f: ShadowFill | null): string =>
  f === null ? '—' : `${f.qty.toLocaleString('en-US')} @ ${f.price}`;

export function ShadowTwinPanel({ sessionId, refreshKey }: { sessionId: string; refreshKey: string }) {
  const api = useApi();
  const [view, setView] = useState<ShadowView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await api.call('session:shadow', { sessionId });
    if (result.ok) {
      setView(result.value);
      setError(null);
    } else setError(result.error.message);
  }, [api, sessionId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey changes when the run's fills or status do
  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const curves = useMemo(
    () =>
      view && {
        run: { time: Float64Array.from(view.run.time), equity: Float64Array.from(view.run.equity) },
        twin: {
          time: Float64Array.from(view.twin.time),
          values: Float64Array.from(view.twin.equity),
          label: 'Simulator twin',
        },
      },
    [view],
  );

  const t = view?.totals;
  return (
    <section className="parity shadow" aria-label="Simulator twin">
      <div className="ss-reports-head">
        <h3>Alpaca versus its simulator twin</h3>
        <button type="button" className="chip" onClick={() => void load()}>
          Refresh
        </button>
        {view && (
          <span className="muted small" data-testid="shadow-source">
            {view.source === 'live'
              ? 'The twin runs beside the run, on the same live bars.'
              : 'The twin was rebuilt from the bars the run stored (same bars, same order).'}
          </span>
        )}
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      {view && t && curves && (
        <div className="parity-body">
          <dl className="parity-counts" data-testid="shadow-totals">
            <div>
              <dt>Alpaca equity</dt>
              <dd>{formatMoney(t.runEquity)}</dd>
            </div>
            <div>
              <dt>Twin equity</dt>
              <dd>{formatMoney(t.twinEquity)}</dd>
            </div>
            <div>
              <dt>Alpaca − twin</dt>
              <dd>
                {t.runEquity === null || t.twinEquity === null
                  ? '—'
                  : formatMoney(t.runEquity - t.twinEquity, { signed: true })}
              </dd>
            </div>
            <div>
              <dt>Fills (Alpaca / twin)</dt>
              <dd>
                {t.brokerFills} / {t.twinFills}
              </dd>
            </div>
            <div>
              <dt>Paired</dt>
              <dd>{t.paired}</dd>
            </div>
            <div>
              <dt>Only Alpaca / only twin</dt>
              <dd>
                {t.onlyBroker} / {t.onlyTwin}
              </dd>
            </div>
            <div>
              <dt title="What the broker's prices cost against the twin's on the paired fills; negative: the broker filled better">
                Slippage cost
              </dt>
              <dd>{formatMoney(t.slippage, { signed: true })}</dd>
            </div>
            <div>
              <dt>Mean timing</dt>
              <dd>{t.meanBarsLater === null ? '—' : `${formatNumber(t.meanBarsLater, 2)} bars later`}</dd>
            </div>
          </dl>
          <div className="shadow-grid">
            <div className="shadow-chart">
              <EquityChart
                curve={curves.run}
                compare={curves.twin}
                label="Alpaca"
                ariaLabel="Alpaca and twin equity"
                showDrawdown={false}
              />
            </div>
            <div className="parity-table-wrap">
              <table className="parity-table" aria-label="Fill attribution">
                <thead>
                  <tr>
                    <th>Time (UTC)</th>
                    <th>Symbol</th>
                    <th>Side</th>
                    <th>Alpaca fill</th>
                    <th>Twin fill</th>
                    <th title="(Alpaca − twin price) × Alpaca qty, as a cost: negative when Alpaca filled better">
                      Slippage cost
                    </th>
                    <th>Timing</th>
                  </tr>
                </thead>
                <tbody>
                  {view.rows.map((row, k) => {
                    const f = (row.broker ?? row.twin)!;
                    return (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the rows are replaced whole, in time order
                      <tr key={k}>
                        <td className="mono">{time(f.time)}</td>
                        <td>{f.symbol}</td>
                        <td>{f.side}</td>
                        <td className="mono">{fillText(row.broker)}</td>
                        <td className="mono">{fillText(row.twin)}</td>
                        <td className="mono">
                          {row.slippage === null ? (
                            <span
                              className={`parity-chip ${row.broker ? 'parity-rejection' : 'parity-latency'}`}
                            >
                              {row.broker ? 'only Alpaca' : 'only the twin'}
                            </span>
                          ) : (
                            formatMoney(row.slippage, { signed: true })
                          )}
                        </td>
                        <td className="mono">
                          {row.barsLater === null
                            ? ''
                            : row.barsLater === 0
                              ? 'same bar'
                              : `${row.barsLater} bar${Math.abs(row.barsLater) === 1 ? '' : 's'} later`}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
