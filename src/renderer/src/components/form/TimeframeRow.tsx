// A labelled timeframe choice (1m … 1D), as the backtest and session forms ask for it.
import { TIMEFRAMES, type Timeframe } from '../../../../shared/domain/bars';

export function TimeframeRow({
  id,
  value,
  onChange,
}: {
  readonly id: string;
  readonly value: Timeframe;
  readonly onChange: (timeframe: Timeframe) => void;
}) {
  return (
    <div className="form-row">
      <label htmlFor={id}>Timeframe</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Timeframe)}>
        {TIMEFRAMES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );
}
