// A model's stored predictions over a backtest run's price: the run's candles, and below them the predicted
// probability bar by bar with the entry threshold (and its mirror for shorts) as dotted levels.
import { useEffect, useMemo, useState } from 'react';
import type { BacktestBars } from '../../../../shared/domain/backtest';
import { CandleChart, type Indicator } from '../../components/chart/CandleChart';
import { useBacktestStore, useStores } from '../../stores/context';
import { predictionsOnBars } from './models-model';

/** The newest bars a chart of predictions loads (a few screens' worth; the predictions cover the same span). */
const CHART_BARS = 20_000;

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | {
      readonly state: 'ready';
      readonly bars: BacktestBars;
      readonly indicator: Indicator;
      readonly matched: number;
    };

export function PredictionsChart({
  modelId,
  threshold,
}: {
  readonly modelId: string;
  readonly threshold: number;
}) {
  const stores = useStores();
  const runs = useBacktestStore((s) => s.runs);
  // Runs of the ML strategy first (those are the ones with predictions), newest first.
  const candidates = useMemo(
    () =>
      runs
        .filter((r) => r.status === 'done')
        .sort(
          (a, b) =>
            Number(b.strategyId === 'ml-signal') - Number(a.strategyId === 'ml-signal') ||
            b.createdAt - a.createdAt,
        ),
    [runs],
  );
  const [runId, setRunId] = useState('');
  const chosen =
    candidates.find((r) => r.id === runId) ?? candidates.find((r) => r.strategyId === 'ml-signal');
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    void stores.backtests.getState().load();
  }, [stores]);

  useEffect(() => {
    if (!chosen) return setLoaded(null);
    let current = true;
    setLoaded({ state: 'loading' });
    const symbol = chosen.data.symbols[0] ?? '';
    void Promise.all([
      stores.api.call('backtest:bars', { runId: chosen.id, symbol, maxBars: CHART_BARS }),
      stores.api.call('ml:predictions', { id: modelId, runId: chosen.id }),
    ]).then(([bars, series]) => {
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
          Backtest
        </label>
        <select id="md-pred-run" value={chosen?.id ?? ''} onChange={(e) => setRunId(e.target.value)}>
          {!chosen && <option value="">—</option>}
          {candidates.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
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
            label={`${chosen.data.symbols[0] ?? ''} candles with the model's predictions`}
            utc
            emptyText={loaded?.state === 'failed' ? 'No bars' : 'Loading bars…'}
          />
        </div>
      )}
    </section>
  );
}
