// Reliability of a model's probabilities: each bin's mean prediction against the rate at which its rows were 1. A
// calibrated model sits on the diagonal; dots are sized by how many rows fell in the bin.
import type { CalibrationBin } from '../../../../shared/domain/ml';

const SIZE = 260;
const MARGIN = { left: 40, right: 10, top: 10, bottom: 34 } as const;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function CalibrationPlot({
  bins,
  title = 'Calibration',
}: {
  readonly bins: readonly CalibrationBin[];
  readonly title?: string;
}) {
  const inner = SIZE - MARGIN.left - MARGIN.right;
  const x = (p: number) => MARGIN.left + p * inner;
  const y = (p: number) => MARGIN.top + (1 - p) * inner;
  const used = bins.filter((b) => b.rows > 0);
  const most = Math.max(1, ...used.map((b) => b.rows));
  const path = used
    .map((b, i) => `${i === 0 ? 'M' : 'L'}${x(b.meanPrediction)},${y(b.observedRate)}`)
    .join(' ');
  return (
    <figure className="md-chart md-calibration" data-testid="calibration-plot">
      <figcaption>
        <span>{title}</span>
      </figcaption>
      {used.length === 0 ? (
        <p className="muted">
          No calibration: the model has no test rows with probabilities (regression or imported).
        </p>
      ) : (
        <svg
          viewBox={`0 0 ${SIZE} ${SIZE}`}
          width="100%"
          style={{ maxWidth: SIZE }}
          role="img"
          aria-label={`${title}: observed rate against predicted probability in ${used.length} bins`}
        >
          {TICKS.map((t) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={y(0)} y2={y(1)} className="md-grid" />
              <line x1={x(0)} x2={x(1)} y1={y(t)} y2={y(t)} className="md-grid" />
              <text x={x(t)} y={y(0) + 14} textAnchor="middle" className="md-axis-text">
                {t}
              </text>
              <text x={x(0) - 6} y={y(t) + 4} textAnchor="end" className="md-axis-text">
                {t}
              </text>
            </g>
          ))}
          <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="md-diagonal" />
          <path d={path} className="md-line" fill="none" />
          {used.map((b) => (
            <circle
              key={`${b.from}-${b.to}`}
              cx={x(b.meanPrediction)}
              cy={y(b.observedRate)}
              r={2.5 + 5 * Math.sqrt(b.rows / most)}
              className="md-dot"
            >
              <title>{`${b.from.toFixed(2)}–${b.to.toFixed(2)}: predicted ${b.meanPrediction.toFixed(3)}, observed ${b.observedRate.toFixed(3)}, ${b.rows} rows`}</title>
            </circle>
          ))}
          <text x={x(0.5)} y={SIZE - 4} textAnchor="middle" className="md-axis-text">
            predicted probability
          </text>
        </svg>
      )}
    </figure>
  );
}
