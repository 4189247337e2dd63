// The user's own indicators on one chart: the list with a Remove button each, and a small form to add one from the
// strategies' catalogue. Remembered per chart in the workspace (saved with the settings).
import { useState } from 'react';
import {
  CHART_INDICATOR_KINDS,
  CHART_INDICATOR_NAMES,
  type ChartIndicator,
  type ChartIndicatorKind,
  type ChartName,
  chartIndicatorLabel,
  chartIndicatorSchema,
  defaultChartIndicator,
  MAX_CHART_INDICATORS,
} from '../../../../shared/domain/chart-tools';
import { useWorkspaceStore } from '../../stores/context';

const NONE: readonly ChartIndicator[] = [];

/** The numeric settings of a kind, in the order the form shows them. */
const FIELDS: Readonly<Record<ChartIndicatorKind, readonly { key: string; label: string; step?: number }[]>> =
  {
    sma: [{ key: 'period', label: 'Period' }],
    ema: [{ key: 'period', label: 'Period' }],
    rsi: [{ key: 'period', label: 'Period' }],
    atr: [{ key: 'period', label: 'Period' }],
    bollinger: [
      { key: 'period', label: 'Period' },
      { key: 'stdDev', label: 'Width (σ)', step: 0.5 },
    ],
    macd: [
      { key: 'fast', label: 'Fast' },
      { key: 'slow', label: 'Slow' },
      { key: 'signal', label: 'Signal' },
    ],
    vwap: [],
  };

export function useChartIndicators(chart: ChartName): readonly ChartIndicator[] {
  return useWorkspaceStore((s) => s.chartIndicators[chart] ?? NONE);
}

export function IndicatorPicker({ chart, error }: { chart: ChartName; error?: string | null }) {
  const indicators = useChartIndicators(chart);
  const setChartIndicators = useWorkspaceStore((s) => s.setChartIndicators);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Record<string, unknown>>(() => ({ ...defaultChartIndicator('vwap') }));
  const [problem, setProblem] = useState<string | null>(null);
  const kind = draft.kind as ChartIndicatorKind;
  const full = indicators.length >= MAX_CHART_INDICATORS;

  const add = () => {
    const parsed = chartIndicatorSchema.safeParse(draft);
    if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? 'check the settings');
    setProblem(null);
    setChartIndicators(chart, [...indicators, parsed.data]);
  };
  return (
    <div className="mb-ind-picker">
      <button
        type="button"
        className={open ? 'chip active' : 'chip'}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        title="Add your own indicators to this chart"
      >
        Indicators{indicators.length > 0 ? ` (${indicators.length})` : ''}
      </button>
      {open && (
        <fieldset className="mb-ind-panel" aria-label={`Your indicators on the ${chart} chart`}>
          <ul className="mb-ind-list">
            {indicators.length === 0 && <li className="muted small">None yet: the strategy's lines only.</li>}
            {indicators.map((indicator, i) => {
              const label = chartIndicatorLabel(indicator);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same indicator may be listed twice
                <li key={`${label}-${i}`}>
                  <span className="mb-num">{label}</span>
                  <button
                    type="button"
                    className="link"
                    aria-label={`Remove ${label}`}
                    onClick={() =>
                      setChartIndicators(
                        chart,
                        indicators.filter((_, k) => k !== i),
                      )
                    }
                  >
                    Remove
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="mb-ind-add">
            <select
              aria-label="Indicator to add"
              value={kind}
              onChange={(e) => {
                setProblem(null);
                setDraft({ ...defaultChartIndicator(e.target.value as ChartIndicatorKind) });
              }}
            >
              {CHART_INDICATOR_KINDS.map((k) => (
                <option key={k} value={k}>
                  {CHART_INDICATOR_NAMES[k]}
                </option>
              ))}
            </select>
            {FIELDS[kind].map((field) => (
              <label key={field.key} className="small">
                {field.label}{' '}
                <input
                  type="number"
                  className="mb-num"
                  min={field.step ? field.step : 1}
                  step={field.step ?? 1}
                  value={String(draft[field.key] ?? '')}
                  onChange={(e) => setDraft({ ...draft, [field.key]: e.target.valueAsNumber })}
                />
              </label>
            ))}
            <button type="button" onClick={add} disabled={full}>
              Add
            </button>
          </div>
          {full && <p className="muted small">At most {MAX_CHART_INDICATORS} indicators on a chart.</p>}
          {(problem ?? error) && (
            <p className="error small" role="alert">
              {problem ?? error}
            </p>
          )}
        </fieldset>
      )}
    </div>
  );
}
