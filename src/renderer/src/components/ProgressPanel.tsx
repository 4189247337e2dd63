// The one progress block of a long job (a backtest, a research run, a model's training): a bar the screen reader
// reads as a progressbar, a line saying how far it is, and Cancel when the job can be canceled.
import type { ReactNode } from 'react';

export function progressPercent(done: number, total: number): number {
  return total > 0 ? Math.floor((100 * done) / total) : 0;
}

export function ProgressPanel({
  done,
  total,
  testId,
  onCancel,
  children,
}: {
  readonly done: number;
  readonly total: number;
  readonly testId: string;
  /** Shown as a Cancel button when given. */
  readonly onCancel?: () => void;
  /** The line beside the bar: what runs and how far it is. */
  readonly children: ReactNode;
}) {
  const pct = progressPercent(done, total);
  return (
    <div className="bt-progress" data-testid={testId}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="progress-line">
        <span>{children}</span>
        {onCancel && (
          <button type="button" className="mb-btn" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </div>
  );
}
