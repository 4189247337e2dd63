// Replay parity for a finished run: the run replayed through the backtester on its own bars and config, fill by
// fill; the verdict, the counts, and each difference with its reason (latency, partial fill, broker price,
// rejection, manual, unexplained) and what it came to.
import { useState } from 'react';
import type {
  ParityDifference,
  ParityFill,
  ParityReason,
  ParityReport,
} from '../../../../shared/domain/research';
import { useApi } from '../../api/context';
import './parity.css';

const REASON_LABEL: Record<ParityReason, string> = {
  latency: 'Latency',
  'partial-fill': 'Partial fill',
  'broker-price': 'Broker price',
  rejection: 'Rejection',
  manual: 'Manual',
  unexplained: 'Unexplained',
};

const REASON_TITLE: Record<ParityReason, string> = {
  latency: 'The broker filled on a later bar than the replay',
  'partial-fill': 'The broker filled part of the order',
  'broker-price': 'Same bar, the broker’s price differs by more than a cent',
  rejection: 'One side refused an order the other filled',
  manual: 'A fill from the user’s own action (flatten, manual close, trade plan) or what followed it',
  unexplained: 'Nothing above explains it',
};

const time = (t: number): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
const fillText = (f: ParityFill | null): string =>
  f === null ? '—' : `${f.side} ${f.qty.toLocaleString('en-US')} @ ${f.price}`;

export function ReasonChip({ reason }: { reason: ParityReason }) {
  return (
    <span className={`parity-chip parity-${reason}`} title={REASON_TITLE[reason]}>
      {REASON_LABEL[reason]}
    </span>
  );
}

function DifferenceRow({ d }: { d: ParityDifference }) {
  const f = (d.session ?? d.replay)!;
  return (
    <tr>
      <td>
        <ReasonChip reason={d.reason} />
      </td>
      <td className="mono">{time(f.time)}</td>
      <td>{f.symbol}</td>
      <td className="mono">{fillText(d.session)}</td>
      <td className="mono">{fillText(d.replay)}</td>
      <td className="parity-detail">{d.detail}</td>
    </tr>
  );
}

export function ReplayParityPanel({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const [report, setReport] = useState<ParityReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    const result = await api.call('session:replay-parity', { sessionId });
    setLoading(false);
    if (result.ok) {
      setReport(result.value);
      setError(null);
    } else setError(result.error.message);
  };

  const counts = new Map<ParityReason, number>();
  for (const d of report?.differences ?? []) counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);

  return (
    <section className="parity" aria-label="Replay parity">
      <div className="ss-reports-head">
        <h3>Replay parity</h3>
        <button
          type="button"
          className="chip"
          onClick={() => void load()}
          disabled={loading}
          title="Replay this run through the backtester on its own bars and config, and compare the fills one by one"
        >
          {loading ? 'Replaying…' : report ? 'Replay again' : 'Replay parity'}
        </button>
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      {report && (
        <div className="parity-body">
          <p
            className={`parity-verdict ${report.differences.length === 0 ? 'parity-ok' : 'parity-differs'}`}
            data-testid="parity-verdict"
          >
            {report.verdict}
          </p>
          <dl className="parity-counts">
            <div>
              <dt>Venue</dt>
              <dd>
                {report.venue === 'alpaca-paper' ? 'Alpaca paper (replayed on next-open fills)' : 'Simulator'}
              </dd>
            </div>
            <div>
              <dt>Bars</dt>
              <dd>{report.bars.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Session fills</dt>
              <dd>{report.sessionFills}</dd>
            </div>
            <div>
              <dt>Replay fills</dt>
              <dd>{report.replayFills}</dd>
            </div>
            <div>
              <dt>Matched</dt>
              <dd>{report.matched}</dd>
            </div>
            <div>
              <dt>Differences</dt>
              <dd className="parity-reasons">
                {report.differences.length === 0
                  ? '0'
                  : [...counts.entries()].map(([reason, n]) => (
                      <span key={reason}>
                        <ReasonChip reason={reason} /> {n}
                      </span>
                    ))}
              </dd>
            </div>
          </dl>
          {report.differences.length > 0 && (
            <div className="parity-table-wrap">
              <table className="parity-table" aria-label="Parity differences">
                <thead>
                  <tr>
                    <th>Reason</th>
                    <th>Time (UTC)</th>
                    <th>Symbol</th>
                    <th>Session fill</th>
                    <th>Replay fill</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  {report.differences.map((d, k) => (
                    // Differences have no id; their order is fixed by time in the report.
                    // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole, never reordered
                    <DifferenceRow key={k} d={d} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
