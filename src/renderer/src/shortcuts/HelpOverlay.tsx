// The keyboard help: a modal dialog listing every shortcut (from shortcuts.ts). Focus stays inside while it is
// open and returns to where it was when it closes; Escape, "?" or F1 close it.
import { Fragment, useEffect, useId, useRef } from 'react';
import { SHORTCUT_GROUPS, type Shortcut } from './shortcuts';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function Keys({ shortcut }: { shortcut: Shortcut }) {
  return (
    <>
      {shortcut.keys.map((combo, i) => (
        <Fragment key={combo.join('+')}>
          {i > 0 && <span className="help-or"> or </span>}
          {combo.map((key, k) => (
            <Fragment key={key}>
              {k > 0 && <span className="help-plus">+</span>}
              <kbd>{key}</kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </>
  );
}

export function HelpOverlay({ onClose }: { readonly onClose: () => void }) {
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      const dialog = dialogRef.current;
      if (!dialog) return;
      if (
        event.key === 'Escape' ||
        event.key === 'F1' ||
        (event.key === '?' && !event.ctrlKey && !event.metaKey)
      ) {
        event.preventDefault();
        event.stopPropagation();
        onClose();
        return;
      }
      if (event.key === 'Tab') {
        const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE));
        if (focusable.length === 0) return;
        const first = focusable[0]!;
        const last = focusable[focusable.length - 1]!;
        const active = document.activeElement;
        const inside = active instanceof Node && dialog.contains(active);
        if (event.shiftKey && (active === first || !inside)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (active === last || !inside)) {
          event.preventDefault();
          first.focus();
        }
        return;
      }
      // The workstation's shortcuts wait while the help is open: Alt+S must not start a session behind it.
      if (event.altKey) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    // Capture, so this runs before the app's own key handlers and can hold them back.
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      returnTo?.focus();
    };
  }, [onClose]);

  return (
    <div className="help-backdrop">
      <div
        ref={dialogRef}
        className="help-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
      >
        <div className="help-head">
          <h2 id={titleId}>Keyboard shortcuts</h2>
          <button
            ref={closeRef}
            type="button"
            className="help-close"
            aria-label="Close keyboard shortcuts"
            onClick={onClose}
          >
            ×
          </button>
        </div>
        <p id={descriptionId} className="help-lead">
          They work anywhere in the workstation except “?” while you type in a field.
        </p>
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.title} className="help-group" aria-label={group.title}>
            <h3>{group.title}</h3>
            <dl>
              {group.shortcuts.map((shortcut) => (
                <div key={shortcut.action} className="help-row">
                  <dt>
                    <Keys shortcut={shortcut} />
                  </dt>
                  <dd>{shortcut.action}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
