// Feature importance as horizontal bars: the features a model leans on most at the top, by gain (the loss its splits
// removed) or cover (the weight of rows they split). SVG, so it scales with the panel and reads in tests.
import { useState } from 'react';
import type { FeatureImportance } from '../../../../shared/domain/ml';
import { rankImportance } from './models-model';

const ROW = 20;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 64;

export function ImportanceChart({
  importance,
  title = 'Feature importance',
  limit = 20,
}: {
  readonly importance: readonly FeatureImportance[];
  readonly title?: string;
  readonly limit?: number;
}) {
  const [measure, setMeasure] = useState<'gain' | 'cover'>('gain');
  const total = importance.reduce((sum, f) => sum + f[measure], 0);
  const rows = rankImportance(importance, measure, limit);
  const top = rows[0]?.[measure] ?? 0;
  const width = 520;
  const barSpace = width - LABEL_WIDTH - VALUE_WIDTH;
  const height = rows.length * ROW + 4;
  return (
    <figure className="md-chart md-importance" data-testid="importance-chart">
      <figcaption>
        <span>{title}</span>
        <fieldset className="md-toggle" aria-label="Importance measure">
          {(['gain', 'cover'] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={measure === m}
              className={measure === m ? 'chip active' : 'chip'}
              onClick={() => setMeasure(m)}
            >
              {m === 'gain' ? 'Gain' : 'Cover'}
            </button>
          ))}
        </fieldset>
      </figcaption>
      {rows.length === 0 ? (
        <p className="muted">No importance: the model made no splits.</p>
      ) : (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width="100%"
          style={{ maxWidth: width }}
          role="img"
          aria-label={`${title} by ${measure}`}
        >
          {rows.map((row, i) => {
            const share = total > 0 ? row[measure] / total : 0;
            const length = top > 0 ? (row[measure] / top) * barSpace : 0;
            const y = i * ROW + 2;
            return (
              <g key={row.feature} data-feature={row.feature}>
                <title>{`${row.feature}: ${measure} ${row[measure].toPrecision(4)} (${(share * 100).toFixed(1)}%), ${row.splits} splits`}</title>
                <text x={LABEL_WIDTH - 6} y={y + ROW / 2 + 4} textAnchor="end" className="md-axis-text">
                  {row.feature}
                </text>
                <rect
                  x={LABEL_WIDTH}
                  y={y + 3}
                  width={Math.max(length, 1)}
                  height={ROW - 6}
                  className="md-bar"
                />
                <text x={LABEL_WIDTH + length + 4} y={y + ROW / 2 + 4} className="md-axis-text">
                  {(share * 100).toFixed(1)}%
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
