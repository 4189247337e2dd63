// One model: progress with Cancel while it trains, its failure in words, or its results — what it learned from
// (symbol, span, feature set hash, label, settings), the walk-forward folds, feature importance, calibration and its
// predictions over a backtest's price — and, when a second model is picked, the two side by side.

import { useMemo } from 'react';
import { useStore } from 'zustand';
import type { FoldMetrics, ModelDetail, ModelSummary } from '../../../../shared/domain/ml';
import { formatTime } from '../../components/chart/format';
import { ProgressPanel, progressPercent } from '../../components/ProgressPanel';
import { type Column, DataTable } from '../../components/table/DataTable';
import { useStores } from '../../stores/context';
import { CalibrationPlot } from './CalibrationPlot';
import { ImportanceChart } from './ImportanceChart';
import { compareModels, foldMean, labelText } from './models-model';
import { PredictionsChart } from './PredictionsChart';

const day = (ms: number | null): string =>
  ms === null ? '—' : formatTime(ms, { utc: true }).replace(/ 00:00(:00)?$/, '');
const metric = (value: unknown, digits = 4): string =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';

/** The folds' columns; a narrow panel drops row counts first, then accuracy and precision/recall. Regression folds
 * have an RMSE and none of the classification figures. */
function foldColumns(objective: ModelDetail['objective']): Column<FoldMetrics>[] {
  const binary = objective === 'binary:logistic';
  return [
    { id: 'fold', header: 'Fold', value: (f) => f.fold, width: 52 },
    { id: 'train', header: 'Train', value: (f) => `${day(f.trainFrom)} → ${day(f.trainTo)}`, width: 186 },
    { id: 'test', header: 'Test', value: (f) => `${day(f.testFrom)} → ${day(f.testTo)}`, width: 186 },
    ...(binary
      ? ([
          { id: 'auc', header: 'AUC', value: (f) => f.auc, format: (v) => metric(v), width: 66 },
          { id: 'logLoss', header: 'Log loss', value: (f) => f.logLoss, format: (v) => metric(v), width: 76 },
          {
            id: 'accuracy',
            header: 'Accuracy',
            value: (f) => f.accuracy,
            format: (v) => metric(v, 3),
            width: 78,
            priority: 2,
          },
          {
            id: 'precision',
            header: 'Precision',
            value: (f) => f.precision,
            format: (v) => metric(v, 3),
            width: 80,
            priority: 2,
          },
          {
            id: 'recall',
            header: 'Recall',
            value: (f) => f.recall,
            format: (v) => metric(v, 3),
            width: 66,
            priority: 2,
          },
        ] satisfies Column<FoldMetrics>[])
      : [
          {
            id: 'rmse',
            header: 'RMSE',
            value: (f: FoldMetrics) => f.rmse,
            format: (v: unknown) => metric(v),
            width: 72,
          },
        ]),
    { id: 'trainRows', header: 'Train rows', value: (f) => f.trainRows, width: 84, priority: 3 },
    { id: 'testRows', header: 'Test rows', value: (f) => f.testRows, width: 80, priority: 3 },
    { id: 'rounds', header: 'Trees', value: (f) => f.rounds, width: 60, priority: 3 },
  ];
}

export function ModelPanel({ detail }: { readonly detail: ModelDetail }) {
  const stores = useStores();
  const progress = useStore(stores.models, (s) => s.progress[detail.id]);
  const models = useStore(stores.models, (s) => s.models);
  const status = models.find((m) => m.id === detail.id)?.status ?? detail.status;
  if (status === 'training') {
    const done = progress?.done ?? 0;
    const total = progress?.total ?? 0;
    return (
      <ProgressPanel
        done={done}
        total={total}
        testId="training-progress"
        onCancel={() => void stores.models.getState().cancel(detail.id)}
      >
        {detail.name}: {progress ? `${progress.stage} — ` : 'starting — '}
        {done.toLocaleString('en-US')} of {total.toLocaleString('en-US')} trees (
        {progressPercent(done, total)}%)
        {progress?.message ? ` · ${progress.message}` : ''}
      </ProgressPanel>
    );
  }
  if (status !== 'ready') {
    return (
      <div
        className={status === 'failed' ? 'error-banner' : 'muted'}
        role="status"
        data-testid="model-status"
      >
        {detail.name}: {status === 'failed' ? 'training failed' : 'training canceled'}
        {detail.error ? ` — ${detail.error}` : progress?.message ? ` — ${progress.message}` : ''}
      </div>
    );
  }
  return <ModelResults detail={detail} />;
}

function ModelResults({ detail }: { readonly detail: ModelDetail }) {
  const stores = useStores();
  const { models, compareId, compareDetail } = useStore(stores.models);
  const others = models.filter((m) => m.id !== detail.id && m.status === 'ready');
  const threshold = detail.folds[0]?.threshold ?? 0.5;
  return (
    <div className="md-detail" data-testid="model-results">
      <div className="md-section-head">
        <h2>
          {detail.name} <span className="muted small mono">{detail.id}</span>
        </h2>
        <span className="spacer" />
        <button
          type="button"
          className="mb-btn"
          title="Opens the New session form with the ML signal trading this model"
          onClick={() =>
            stores.workspace.getState().handOffSession({
              strategy: { id: 'ml-signal', params: { modelId: detail.id } },
              ...(detail.symbol && { symbols: [detail.symbol] }),
            })
          }
        >
          Use in a session
        </button>
      </div>
      <dl className="md-facts">
        <Fact term="Origin" value={detail.origin === 'xgboost' ? 'imported from XGBoost' : 'trained here'} />
        <Fact term="Objective" value={detail.objective} />
        <Fact term="Symbol" value={detail.symbol ?? '—'} />
        <Fact term="Trained on" value={`${day(detail.trainFrom)} → ${day(detail.trainTo)}`} />
        <Fact term="Label" value={labelText(detail)} />
        <Fact term="Trees" value={String(detail.trees)} />
        <Fact term="Mean AUC" value={metric(foldMean(detail.folds, 'auc'))} />
        <Fact
          term="Feature set"
          value={
            detail.featureSetHash ? `${detail.featureSetHash.slice(0, 12)}…` : 'none (predicts from files)'
          }
          title={detail.featureSetHash ?? undefined}
        />
        <Fact term="Features" value={detail.featureNames.join(', ')} wide />
        {detail.params && (
          <Fact
            term="Settings"
            value={`depth ${detail.params.maxDepth} · eta ${detail.params.eta} · λ ${detail.params.lambda} · min child ${detail.params.minChildWeight} · γ ${detail.params.gamma} · subsample ${detail.params.subsample} · colsample ${detail.params.colsample} · seed ${detail.params.seed}`}
            wide
          />
        )}
      </dl>
      {detail.folds.length > 0 && (
        <div className="md-folds">
          <DataTable
            label="Fold metrics"
            rows={detail.folds}
            columns={foldColumns(detail.objective)}
            rowKey={(f) => String(f.fold)}
            filterable={false}
            height="100%"
          />
        </div>
      )}
      <div className="md-charts">
        <ImportanceChart importance={detail.importance} />
        <CalibrationPlot bins={detail.calibration} />
      </div>
      <div className="md-section-head">
        <h3>Compare with</h3>
        <select
          aria-label="Compare with"
          value={compareId ?? ''}
          onChange={(e) => void stores.models.getState().compareWith(e.target.value || null)}
        >
          <option value="">— another model —</option>
          {others.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      {compareDetail && compareDetail.id === compareId && <Comparison a={detail} b={compareDetail} />}
      <PredictionsChart
        modelId={detail.id}
        threshold={threshold}
        trainFrom={detail.trainFrom}
        trainTo={detail.trainTo}
      />
    </div>
  );
}

function Fact({
  term,
  value,
  title,
  wide = false,
}: {
  readonly term: string;
  readonly value: string;
  readonly title?: string | undefined;
  readonly wide?: boolean;
}) {
  return (
    <div className={wide ? 'md-fact wide' : 'md-fact'}>
      <dt>{term}</dt>
      <dd title={title}>{value}</dd>
    </div>
  );
}

function Comparison({ a, b }: { readonly a: ModelDetail; readonly b: ModelDetail }) {
  const rows = useMemo(() => compareModels(a, b), [a, b]);
  return (
    <section className="md-compare" aria-label="Model comparison">
      <table className="metrics md-compare-table" aria-label={`${a.name} against ${b.name}`}>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{a.name}</th>
            <th scope="col">{b.name}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <td className={row.better === 'a' ? 'md-better' : undefined}>{row.a}</td>
              <td className={row.better === 'b' ? 'md-better' : undefined}>{row.b}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="md-charts">
        <ImportanceChart importance={a.importance} title={`${a.name}: importance`} limit={12} />
        <ImportanceChart importance={b.importance} title={`${b.name}: importance`} limit={12} />
      </div>
      <div className="md-charts">
        <CalibrationPlot bins={a.calibration} title={`${a.name}: calibration`} />
        <CalibrationPlot bins={b.calibration} title={`${b.name}: calibration`} />
      </div>
    </section>
  );
}

/** The list's status cell: "training 40%" while a run goes, else the registry's status. */
export function statusText(
  model: ModelSummary,
  progress: { done: number; total: number } | undefined,
): string {
  if (model.status === 'training' && progress && progress.total > 0)
    return `training ${Math.floor((100 * progress.done) / progress.total)}%`;
  return model.status;
}
