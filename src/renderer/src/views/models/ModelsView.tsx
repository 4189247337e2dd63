// Models: the train form on the left; on the right the registry (trained and imported models, a training's progress
// in its row, Cancel and Delete), an XGBoost import, and the selected model's results.
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { ModelSummary } from '../../../../shared/domain/ml';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { formatTime } from '../../components/chart/format';
import { type Column, DataTable } from '../../components/table/DataTable';
import { useStores } from '../../stores/context';
import { ImportModel } from './ImportModel';
import { ModelPanel, statusText } from './ModelPanel';
import { TrainForm } from './TrainForm';
import './models.css';

export function ModelsView() {
  const stores = useStores();
  const { models, progress, selectedId, detail, error } = useStore(stores.models);
  const { load, select, cancel, remove } = stores.models.getState();
  const [deleting, setDeleting] = useState<ModelSummary | null>(null);

  useEffect(() => {
    void load();
    // The form's data part needs the synthetic symbols and default seed.
    void stores.catalogue.getState().load();
  }, [load, stores]);

  const columns = useMemo<Column<ModelSummary>[]>(
    () => [
      { id: 'name', header: 'Name', value: (m) => m.name, width: 'minmax(140px, 2fr)' },
      {
        id: 'status',
        header: 'Status',
        value: (m) => statusText(m, progress[m.id]),
        tone: (m) => (m.status === 'failed' ? 'down' : m.status === 'canceled' ? 'muted' : undefined),
        width: 110,
      },
      {
        id: 'origin',
        header: 'Origin',
        value: (m) => (m.origin === 'xgboost' ? 'XGBoost' : 'trained'),
        width: 80,
      },
      { id: 'symbol', header: 'Symbol', value: (m) => m.symbol ?? '—', width: 80 },
      { id: 'features', header: 'Features', value: (m) => m.featureNames.length, width: 80 },
      { id: 'trees', header: 'Trees', value: (m) => m.trees, width: 70 },
      {
        id: 'auc',
        header: 'Mean AUC',
        value: (m) => m.meanAuc,
        format: (v) => (typeof v === 'number' ? v.toFixed(4) : '—'),
        width: 90,
      },
      {
        id: 'created',
        header: 'Created',
        value: (m) => m.createdAt,
        format: (v) => formatTime(v as number),
        width: 130,
        priority: 2,
      },
    ],
    [progress],
  );

  return (
    <section className="view models">
      <div className="md-left">
        <TrainForm />
      </div>
      <div className="md-main">
        {error && (
          <div className="error-banner" role="alert">
            {error}
          </div>
        )}
        <div className="md-list-head">
          <h2>Models</h2>
          <span className="spacer" />
          <ImportModel />
        </div>
        <div className="md-list">
          <DataTable
            label="Models"
            rows={models}
            columns={columns}
            rowKey={(m) => m.id}
            selectedKey={selectedId}
            onRowClick={(m) => void select(m.id)}
            emptyText="No models yet. Train one with the form on the left, or import a model XGBoost saved."
            filterable={false}
            height="100%"
            initialSort={{ column: 'created', direction: 'desc' }}
            actions={[
              {
                id: 'cancel',
                label: 'Cancel',
                hidden: (m) => m.status !== 'training',
                onAction: (m) => void cancel(m.id),
              },
              {
                id: 'delete',
                label: 'Delete',
                tone: 'danger',
                hidden: (m) => m.status === 'training',
                onAction: (m) => setDeleting(m),
              },
            ]}
            actionsWidth={80}
          />
        </div>
        {selectedId && detail?.id === selectedId && <ModelPanel detail={detail} />}
        {selectedId && detail?.id !== selectedId && <p className="muted">Loading…</p>}
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete the model"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const id = deleting.id;
            setDeleting(null);
            void remove(id);
          }}
        >
          The model, its fold metrics and its stored predictions are removed for good. Backtests and sessions
          that used it keep their results.
        </ConfirmDialog>
      )}
    </section>
  );
}
