// Trade plans from the screen: choose a trade_plan.csv, see its rows (execution mode, each row's holding deadline) or
// its refusals by line before anything is stored, run it, then follow each row's outcome as the session runs.
import { useCallback, useEffect, useState } from 'react';
import type { PlanOutcome, PlanPreview, PlanProblemView, PlanRowView } from '../../../../shared/domain/plan';
import { EXECUTION_MODES, type ExecutionMode } from '../../../../shared/domain/session';
import { useApi } from '../../api/context';
import { formatTime } from '../../components/chart/format';
import { type Column, DataTable } from '../../components/table/DataTable';
import './trade-plan.css';

const num = (v: number | null): string => (v === null ? '—' : String(v));

/** A plan row's columns; in the outcome table the outcome comes right after the row's symbol and side. */
function rowColumns<Row extends PlanRowView>(outcome: readonly Column<Row>[] = []): Column<Row>[] {
  return [
    { id: 'line', header: 'Line', value: (r) => r.line, fit: true },
    { id: 'symbol', header: 'Symbol', value: (r) => r.symbol, fit: true },
    { id: 'side', header: 'Side', value: (r) => r.side, fit: true },
    ...outcome,
    {
      id: 'size',
      header: 'Size',
      align: 'right',
      value: (r) => r.qty ?? r.notional,
      format: (_v, r) => (r.qty !== null ? `${r.qty} sh` : `$${r.notional}`),
    },
    {
      id: 'entry',
      header: 'Entry',
      value: (r) => r.entryType,
      format: (_v, r) => (r.entryPrice === null ? r.entryType : `${r.entryType} ${r.entryPrice}`),
    },
    {
      id: 'stop',
      header: 'Stop',
      align: 'right',
      value: (r) => r.stopLoss,
      format: (v) => num(v as number),
      priority: 2,
    },
    {
      id: 'target',
      header: 'Target',
      align: 'right',
      value: (r) => r.takeProfit,
      format: (v) => num(v as number),
      priority: 2,
    },
    {
      id: 'hold',
      header: 'Hold ≤ days',
      align: 'right',
      value: (r) => r.timeLimitDays,
      format: (v) => num(v as number),
      priority: 2,
    },
    {
      id: 'deadline',
      header: 'Deadline (UTC)',
      value: (r) => r.deadline,
      format: (v) => formatTime(v as number, { utc: true }),
      fit: true,
    },
  ];
}

const previewColumns = rowColumns<PlanRowView>();

const outcomeColumns: Column<PlanOutcome>[] = rowColumns<PlanOutcome>([
  {
    id: 'outcome',
    header: 'Outcome',
    value: (r) => r.outcome,
    fit: true,
    tone: (r) =>
      r.outcome === 'refused' || r.outcome === 'exited by stop'
        ? 'down'
        : r.outcome === 'exited by target'
          ? 'up'
          : r.outcome === 'waiting' || r.outcome === 'not entered'
            ? 'muted'
            : undefined,
  },
  { id: 'detail', header: 'Detail', value: (r) => r.detail, width: '3fr', fit: true },
]);

const problemColumns: Column<PlanProblemView & { key: string }>[] = [
  {
    id: 'line',
    header: 'Line',
    value: (p) => p.line,
    format: (v) => (v === null ? 'file' : String(v)),
    fit: true,
  },
  { id: 'field', header: 'Field', value: (p) => p.field ?? '—', fit: true },
  { id: 'detail', header: 'Problem', value: (p) => p.detail, width: '4fr' },
];

/** `live`: the session runs (a plan can be previewed and run); `refreshKey` changes as its orders change. */
export function TradePlanPanel({
  sessionId,
  live,
  refreshKey,
}: {
  sessionId: string;
  live: boolean;
  refreshKey: string;
}) {
  const api = useApi();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [mode, setMode] = useState<ExecutionMode>('balanced');
  const [preview, setPreview] = useState<PlanPreview | null>(null);
  const [outcomes, setOutcomes] = useState<readonly PlanOutcome[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadOutcomes = useCallback(async () => {
    const result = await api.call('session:plan-outcomes', { sessionId });
    if (result.ok) setOutcomes(result.value);
  }, [api, sessionId]);

  useEffect(() => {
    void refreshKey;
    void loadOutcomes();
  }, [loadOutcomes, refreshKey]);

  // A chosen file (or another mode) is checked in main at once; nothing is stored until Run.
  useEffect(() => {
    if (file === null || !live) return;
    let current = true;
    void api
      .call('session:preview-plan', { sessionId, fileName: file.name, csv: file.text, mode })
      .then((result) => {
        if (!current) return;
        if (result.ok) {
          setPreview(result.value);
          setError(null);
        } else setError(result.error.message);
      });
    return () => {
      current = false;
    };
  }, [api, sessionId, file, mode, live]);

  const choose = async (chosen: File | undefined) => {
    setMessage(null);
    setPreview(null);
    if (chosen === undefined) return setFile(null);
    setFile({ name: chosen.name, text: await chosen.text() });
  };

  const run = async () => {
    if (file === null) return;
    setBusy(true);
    const result = await api.call('session:import-plan', {
      sessionId,
      fileName: file.name,
      csv: file.text,
      mode,
    });
    setBusy(false);
    if (!result.ok) return setError(result.error.message);
    setMessage(`${file.name}: ${result.value.rows} rows sent at the next bar (${result.value.mode} mode).`);
    setPreview(null);
    setFile(null);
    setTimeout(() => void loadOutcomes(), 500);
  };

  const refused = preview !== null && preview.problems.length > 0;
  return (
    <section className="tp-panel" aria-label="Trade plan">
      <div className="tp-head">
        <h3>Trade plan</h3>
        <label className="tp-file">
          <span className="muted">File</span>
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            aria-label="Trade plan file"
            disabled={!live}
            onChange={(e) => {
              void choose(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
        <label className="tp-mode">
          <span className="muted">Execution mode</span>
          <select
            aria-label="Execution mode"
            value={mode}
            onChange={(e) => setMode(e.target.value as ExecutionMode)}
          >
            {EXECUTION_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        {!live && <span className="muted">Start the session to run a plan.</span>}
        <span className="spacer" />
        {preview !== null && !refused && (
          <button type="button" className="primary" disabled={busy} onClick={() => void run()}>
            Run plan ({preview.rows.length} rows)
          </button>
        )}
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      {message && (
        <div className="tp-message muted" data-testid="plan-message">
          {message}
        </div>
      )}
      {refused && (
        <div className="tp-refused" data-testid="plan-refused">
          <div className="error-banner" role="alert">
            {preview.fileName} is refused: {preview.problems.length} problem
            {preview.problems.length === 1 ? '' : 's'}. Nothing was stored; fix the file and choose it again.
          </div>
          <div className="tp-table">
            <DataTable
              label="Plan refusals"
              rows={preview.problems.map((p, k) => ({ ...p, key: String(k) }))}
              columns={problemColumns}
              rowKey={(p) => p.key}
              filterable={false}
              height="100%"
            />
          </div>
        </div>
      )}
      {preview !== null && !refused && (
        <div className="tp-preview" data-testid="plan-preview">
          <p className="muted small">
            Preview of {preview.fileName} in {preview.mode} mode: deadlines count from the next bar. Nothing
            is stored until you run it.
          </p>
          <div className="tp-table">
            <DataTable
              label="Plan preview"
              rows={preview.rows}
              columns={previewColumns}
              rowKey={(r) => String(r.line)}
              filterable={false}
              height="100%"
            />
          </div>
        </div>
      )}
      {outcomes.length > 0 && (
        <div className="tp-table">
          <DataTable
            label="Plan rows"
            rows={outcomes}
            columns={outcomeColumns}
            rowKey={(r) => `${r.planTime}:${r.line}`}
            filterable={false}
            height="100%"
          />
        </div>
      )}
    </section>
  );
}
