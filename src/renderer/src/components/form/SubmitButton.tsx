// A form's submit button that says why it is greyed out: the first thing keeping the form from being sent, beside the
// button (and as its tooltip), instead of a silent disabled state.
import type { ReactNode } from 'react';

export interface SubmitButtonProps {
  /** Why the button cannot be pressed now, in words; null when it can. */
  readonly blockedBy: string | null;
  /** In flight: the button waits, without a reason (its label says what is happening). */
  readonly busy?: boolean;
  readonly onClick?: () => void;
  readonly type?: 'button' | 'submit';
  readonly className?: string;
  readonly children: ReactNode;
  readonly id?: string;
}

export function SubmitButton({
  blockedBy,
  busy = false,
  onClick,
  type = 'button',
  className = 'mb-btn',
  children,
  id,
}: SubmitButtonProps) {
  const reasonId = id ? `${id}-reason` : undefined;
  return (
    <span className="mb-submit">
      <button
        id={id}
        type={type}
        className={className}
        disabled={busy || blockedBy !== null}
        title={blockedBy ?? undefined}
        aria-describedby={blockedBy !== null ? reasonId : undefined}
        onClick={onClick}
      >
        {children}
      </button>
      {blockedBy !== null && !busy && (
        <span id={reasonId} className="mb-submit-reason" data-testid="submit-reason">
          {blockedBy}
        </span>
      )}
    </span>
  );
}
