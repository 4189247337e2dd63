// Research: the optimisation, walk-forward and Monte Carlo runs on the left (select, cancel, delete), the selected
// run on the right (progress with ETA and Cancel while it runs, its results once done), and the New research form.

import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { ResearchDetail, ResearchKind, ResearchSummary } from '../../../../shared/domain/research';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatDuration, formatTime } from '../../components/chart/format';
import { ProgressPanel, progressPercent } from '../../components/ProgressPanel';
import { type Column, DataTable } from '../../components/table/DataTable';
import { useStores } from '../../stores/context';
import { RESEARCH_TABS, ResearchForm } from './ResearchForm';
import { MonteCarloResults, OptimizeResults, WalkForwardResults } from './ResearchResults';
import { etaText } from './research-model';
import './research.css';

const KIND_LABELS: Readonly<Record<ResearchKind, string>> = Object.fromEntries(
  RESEARCH_TABS.map((t) => [t.kind, t.label]),
) as Record<ResearchKind, string>;

export function ResearchView() {
  const stores = useStores();
  const { runs, progress, selectedId, detail, error } = useStore(stores.research);
  const { load, select, cancel, remove } = stores.research.getState();
  const [deleting, setDeleting] = useState<ResearchSummary | null>(null);

  useEffect(() => {
    void load();
    // The forms need the strategies; Monte Carlo picks from the finished backtests and the sessions.
    void stores.backtests.getState().load();
    void stores.sessions.getState().load();
  }, [load, stores]);

  const columns = useMemo<Column<ResearchSummary>[]>(
    () => [
      { id: 'kind', header: 'Kind', value: (r) => KIND_LABELS[r.kind], width: 100 },
      { id: 'name', header: 'Name', value: (r) => r.name, width: 'minmax(120px, 1.5fr)' },
      {
        id: 'status',
        header: 'Status',
        value: (r) => {
          const p = progress[r.id];
          return r.status === 'running' && p && p.total > 0
            ? `running ${Math.floor((100 * p.done) / p.total)}%`
            : r.status;
        },
        tone: (r) => (r.status === 'failed' ? 'down' : r.status === 'canceled' ? 'muted' : undefined),
        width: 110,
      },
      {
        id: 'headline',
        header: 'Result',
        value: (r) => r.headline ?? r.error ?? '',
        width: 'minmax(160px, 3fr)',
      },
      {
        id: 'created',
        header: 'Created',
        value: (r) => r.createdAt,
        format: (v) => formatTime(v as number),
        width: 130,
        priority: 2,
      },
    ],
    [progress],
  );

  return (
    <section className="view research">
      <div className="rs-left">
        <ResearchForm />
      </div>
      <div className="rs-main">
        {error && (
          <div className="error-banner" role="alert">
            {error}
          </div>
        )}
        <div className="rs-runs">
          <DataTable
            label="Research runs"
            rows={runs}
            columns={columns}
            rowKey={(r) => r.id}
            selectedKey={selectedId}
            onRowClick={(r) => void select(r.id)}
            emptyText="No research yet. Choose Optimise, Walk-forward or Monte Carlo on the left and press Run."
            filterable={false}
            height="100%"
            initialSort={{ column: 'created', direction: 'desc' }}
            actions={[
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
                onAction: (r) => setDeleting(r),
              },
            ]}
            actionsWidth={80}
          />
        </div>
        {selectedId && detail?.id === selectedId && <RunPanel detail={detail} />}
        {selectedId && detail?.id !== selectedId && <p className="muted">Loading…</p>}
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete the run"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const id = deleting.id;
            setDeleting(null);
            void remove(id);
          }}
        >
          The {KIND_LABELS[deleting.kind].toLowerCase()} run and its results are removed for good. Backtests
          and sessions are not touched.
        </ConfirmDialog>
      )}
    </section>
  );
}

function RunPanel({ detail }: { detail: ResearchDetail }) {
  const stores = useStores();
  const progress = useStore(stores.research, (s) => s.progress[detail.id]);
  const status = progress?.status ?? detail.status;
  if (status === 'running') {
    const done = progress?.done ?? 0;
    const total = progress?.total ?? 0;
    return (
      <ProgressPanel
        done={done}
        total={total}
        testId="research-progress"
        onCancel={() => void stores.research.getState().cancel(detail.id)}
      >
        {detail.name}: {done.toLocaleString('en-US')} of {total.toLocaleString('en-US')} done (
        {progressPercent(done, total)}%),{' '}
        <span data-testid="research-eta">{etaText(progress?.etaMs ?? null, formatDuration)}</span>
        {progress?.message ? ` · ${progress.message}` : ''}
      </ProgressPanel>
    );
  }
  if (status !== 'done' || !detail.result) {
    return (
      <div
        className={status === 'failed' ? 'error-banner' : 'muted'}
        role="status"
        data-testid="research-status"
      >
        {detail.name}: {status}
        {detail.error ? ` — ${detail.error}` : ''}
      </div>
    );
  }
  const result = detail.result;
  return (
    <div className="rs-detail">
      <h2>
        {detail.name} <span className="muted small">{detail.headline}</span>
      </h2>
      {result.kind === 'optimize' && <OptimizeResults key={detail.id} result={result} />}
      {result.kind === 'walk-forward' && <WalkForwardResults key={detail.id} result={result} />}
      {result.kind === 'monte-carlo' && <MonteCarloResults key={detail.id} result={result} />}
    </div>
  );
}
