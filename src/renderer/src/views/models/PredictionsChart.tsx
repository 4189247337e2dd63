// A model's stored predictions over the price of a backtest run or a paper session: the run's candles, and below them
// the predicted probability bar by bar with the entry threshold (and its mirror for shorts) as dotted levels.
import { useEffect, useMemo, useState } from 'react';
import type { BarColumns, Timeframe } from '../../../../shared/domain/bars';
import { CandleChart, type Indicator } from '../../components/chart/CandleChart';
import { useBacktestStore, useSessionStore, useStores } from '../../stores/context';
import { barsWithin, predictionsOnBars } from './models-model';

/** A run the model may have traded in: a backtest or a session, with the symbol and bars the chart shows. */
interface PredictionSource {
  readonly key: string;
  readonly kind: 'backtest' | 'session';
  readonly id: string;
  readonly name: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly ml: boolean;
  readonly createdAt: number;
}

/** The newest bars a chart of predictions loads (a few screens' worth; the predictions cover the same span). */
const CHART_BARS = 20_000;

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | {
      readonly state: 'ready';
      readonly bars: BarColumns;
      readonly indicator: Indicator;
      readonly matched: number;
    };

export function PredictionsChart({
  modelId,
  threshold,
  trainFrom,
  trainTo,
}: {
  readonly modelId: string;
  readonly threshold: number;
  /** The model's training span (bar times, ms): predictions on bars inside it are in-sample. */
  readonly trainFrom: number | null;
  readonly trainTo: number | null;
}) {
  const stores = useStores();
  const runs = useBacktestStore((s) => s.runs);
  const sessions = useSessionStore((s) => s.sessions);
  // Runs of the ML strategy first (those are the ones with predictions), newest first.
  const sources = useMemo(() => {
    const all: PredictionSource[] = [
      ...runs
        .filter((r) => r.status === 'done')
        .map((r) => ({
          key: `backtest:${r.id}`,
          kind: 'backtest' as const,
          id: r.id,
          name: `Backtest · ${r.name}`,
          symbol: r.data.symbols[0] ?? '',
          timeframe: r.data.timeframe,
          ml: r.strategyId === 'ml-signal',
          createdAt: r.createdAt,
        })),
      ...sessions.map((s) => ({
        key: `session:${s.id}`,
        kind: 'session' as const,
        id: s.id,
        name: `Session · ${s.name}`,
        symbol: s.symbols[0] ?? '',
        timeframe: s.timeframe,
        ml: s.strategyId === 'ml-signal',
        createdAt: s.createdAt,
      })),
    ];
    return all.sort((a, b) => Number(b.ml) - Number(a.ml) || b.createdAt - a.createdAt);
  }, [runs, sessions]);
  const [sourceKey, setSourceKey] = useState('');
  const chosen = sources.find((s) => s.key === sourceKey) ?? sources.find((s) => s.ml);
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    void stores.backtests.getState().load();
    void stores.sessions.getState().load();
  }, [stores]);

  useEffect(() => {
    if (!chosen) return setLoaded(null);
    let current = true;
    setLoaded({ state: 'loading' });
    const bars =
      chosen.kind === 'backtest'
        ? stores.api.call('backtest:bars', { runId: chosen.id, symbol: chosen.symbol, maxBars: CHART_BARS })
        : stores.api.call('session:bars', {
            sessionId: chosen.id,
            symbol: chosen.symbol,
            timeframe: chosen.timeframe as Timeframe,
          });
    const series = stores.api.call(
      'ml:predictions',
      chosen.kind === 'backtest' ? { id: modelId, runId: chosen.id } : { id: modelId, sessionId: chosen.id },
    );
    void Promise.all([bars, series]).then(([bars, series]) => {
      if (!current) return;
      if (!bars.ok) return setLoaded({ state: 'failed', message: bars.error.message });
      if (!series.ok) return setLoaded({ state: 'failed', message: series.error.message });
      const { values, matched } = predictionsOnBars(bars.value.time, bars.value.length, series.value);
      setLoaded({
        state: 'ready',
        bars: bars.value,
        matched,
        indicator: {
          id: 'prediction',
          label: 'Predicted probability',
          pane: 'lower',
          lines: [{ name: 'probability', values }],
          levels: [threshold, 1 - threshold],
        },
      });
    });
    return () => {
      current = false;
    };
  }, [chosen, modelId, threshold, stores]);

  return (
    <section className="md-predictions" aria-label="Predictions over price">
      <div className="md-section-head">
        <h3>Predictions over price</h3>
        <label htmlFor="md-pred-run" className="muted">
          Run
        </label>
        <select id="md-pred-run" value={chosen?.key ?? ''} onChange={(e) => setSourceKey(e.target.value)}>
          {!chosen && <option value="">—</option>}
          {sources.map((s) => (
            <option key={s.key} value={s.key}>
              {s.name}
            </option>
          ))}
        </select>
        {loaded?.state === 'ready' && (
          <span className="muted small" data-testid="prediction-count">
            {loaded.matched.toLocaleString('en-US')} predictions on{' '}
            {loaded.bars.length.toLocaleString('en-US')} bars
          </span>
        )}
      </div>
      {!chosen && (
        <p className="muted">
          No backtest with the ML signal yet. Run one in Backtests with strategy “ML signal” and this model;
          its predictions show here over the price.
        </p>
      )}
      {loaded?.state === 'failed' && (
        <p className="muted" role="status">
          {loaded.message}
        </p>
      )}
      {loaded?.state === 'ready' && <InSampleWarning bars={loaded.bars} from={trainFrom} to={trainTo} />}
      {loaded?.state === 'ready' && loaded.matched === 0 && (
        <p className="muted" role="status">
          This model made no predictions in that run (it ran with another model or another strategy).
        </p>
      )}
      {chosen && (
        <div className="md-candles">
          <CandleChart
            bars={loaded?.state === 'ready' ? loaded.bars : null}
            indicators={loaded?.state === 'ready' ? [loaded.indicator] : []}
            label={`${chosen.symbol} candles with the model's predictions`}
            utc
            emptyText={loaded?.state === 'failed' ? 'No bars' : 'Loading bars…'}
          />
        </div>
      )}
    </section>
  );
}

/** Says when the run's bars overlap the bars the model learned from: there its predictions know the answer. */
function InSampleWarning({
  bars,
  from,
  to,
}: {
  readonly bars: BarColumns;
  readonly from: number | null;
  readonly to: number | null;
}) {
  const inside = barsWithin(bars, from, to);
  if (inside === 0) return null;
  return (
    <p className="warn-banner" role="status" data-testid="in-sample-warning">
      {inside.toLocaleString('en-US')} of {bars.length.toLocaleString('en-US')} bars fall inside the model’s
      training span: its predictions there are in-sample and flatter the run. Judge it on the bars after the
      span.
    </p>
  );
}
