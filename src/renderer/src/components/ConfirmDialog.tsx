// Asks before an action that cannot be taken back (flatten, stop and flatten, reset a risk halt): a modal with focus
// kept inside, Escape or Cancel backing out with nothing done, Enter or the button named by what it does going ahead.
import { type ReactNode, useCallback, useId, useRef } from 'react';
import { useModalKeys } from './use-modal-keys';

export interface ConfirmDialogProps {
  readonly title: string;
  /** What will happen, in words (what it closes, when it runs). */
  readonly children: ReactNode;
  /** The confirming button says what it does: "Flatten 3 positions", never "OK". */
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  /** Draws the confirming button in the loss colour (default true: these actions change positions or limits). */
  readonly danger?: boolean;
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  danger = true,
}: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  // Escape cancels (useModalKeys); Enter confirms, unless the user tabbed to Cancel and pressed Enter on it.
  useModalKeys(dialogRef, confirmRef, onCancel);
  const onKeyDown = useCallback(
    (event: React.KeyboardEvent) => {
      if (event.key !== 'Enter' || event.defaultPrevented) return;
      if (event.target instanceof HTMLButtonElement && event.target !== confirmRef.current) return;
      event.preventDefault();
      onConfirm();
    },
    [onConfirm],
  );
  return (
    <div className="help-backdrop">
      <div
        ref={dialogRef}
        className="help-dialog mb-confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        data-testid="confirm-dialog"
        onKeyDown={onKeyDown}
      >
        <div className="help-head">
          <h2 id={titleId}>{title}</h2>
        </div>
        <div id={bodyId} className="mb-confirm-body">
          {children}
        </div>
        <div className="ss-form-buttons">
          <button type="button" className="mb-btn" onClick={onCancel}>
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="button"
            className={danger ? 'mb-btn mb-btn-danger' : 'mb-btn ss-btn-accent'}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
