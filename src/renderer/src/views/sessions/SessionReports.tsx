// A session's reports: the daily summary on screen and the exports a trader keeps (CSV, JSON).
import { useCallback, useEffect, useState } from 'react';
import { type DailySummary, EXPORT_KINDS, type ExportKind } from '../../../../shared/domain/session';
import { useApi } from '../../api/context';
import { formatMoney, formatPercent, toneOf } from '../../components/chart/format';
import { saveFile } from '../../components/files/save-file';
import { type Column, DataTable } from '../../components/table/DataTable';

const EXPORT_LABELS: Readonly<Record<ExportKind, string>> = {
  orders: 'Orders CSV',
  fills: 'Fills CSV',
  trades: 'Trades CSV',
  equity: 'Equity CSV',
  'daily-summary': 'Daily summary JSON',
};

const dailyColumns: Column<DailySummary>[] = [
  { id: 'day', header: 'Day', value: (d) => d.day },
  { id: 'trades', header: 'Trades', align: 'right', value: (d) => d.trades },
  {
    id: 'winRate',
    header: 'Win rate',
    align: 'right',
    value: (d) => d.winRate,
    format: (v) => formatPercent(v as number | null),
  },
  {
    id: 'pnl',
    header: 'Realised P&L',
    align: 'right',
    value: (d) => d.realizedPnl,
    format: (v) => formatMoney(v as number, { signed: true }),
    tone: (d) => toneOf(d.realizedPnl),
  },
  {
    id: 'fees',
    header: 'Fees',
    priority: 2,
    align: 'right',
    value: (d) => d.fees,
    format: (v) => formatMoney(v as number),
  },
  {
    id: 'equity',
    header: 'End equity',
    align: 'right',
    value: (d) => d.endEquity,
    format: (v) => formatMoney(v as number),
  },
  {
    id: 'return',
    header: 'Return',
    align: 'right',
    value: (d) => d.returnFraction,
    format: (v) => formatPercent(v as number, { signed: true }),
    tone: (d) => toneOf(d.returnFraction),
  },
  {
    id: 'dd',
    header: 'Max DD',
    align: 'right',
    value: (d) => d.maxDrawdown,
    format: (v) => formatPercent(v as number),
  },
  {
    id: 'risk',
    header: 'Risk events',
    // Words, and the first to give way at narrow widths; then Fees (at 1280 px Max DD was past the table's edge).
    priority: 3,
    value: (d) => d.riskEvents.length,
    format: (_v, d) => d.riskEvents.join(' · ') || '—',
  },
];

/** `refreshKey` changes when the run's status changes, so the summary is re-read without polling. */
export function SessionReports({ sessionId, refreshKey }: { sessionId: string; refreshKey: string }) {
  const api = useApi();
  const [summary, setSummary] = useState<readonly DailySummary[]>([]);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await api.call('session:summary', { sessionId });
    if (result.ok) {
      setSummary(result.value);
      setError(null);
    } else setError(result.error.message);
  }, [api, sessionId]);

  useEffect(() => {
    void refreshKey;
    void load();
  }, [load, refreshKey]);

  const download = async (what: ExportKind) => {
    const result = await api.call('session:export', { sessionId, what });
    if (!result.ok) return setError(result.error.message);
    saveFile(result.value);
  };

  return (
    <section className="ss-reports" aria-label="Reports">
      <div className="ss-reports-head">
        <h3>Daily summary</h3>
        <button type="button" className="chip" onClick={() => void load()}>
          Refresh
        </button>
        <span className="spacer" />
        {EXPORT_KINDS.map((kind) => (
          <button key={kind} type="button" className="chip" onClick={() => void download(kind)}>
            {EXPORT_LABELS[kind]}
          </button>
        ))}
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <div className="ss-daily">
        <DataTable
          label="Daily summary"
          rows={summary}
          columns={dailyColumns}
          rowKey={(d) => d.day}
          emptyText="No trading days yet."
          filterable={false}
          height="100%"
        />
      </div>
    </section>
  );
}
