// The keyboard help: a modal dialog listing every shortcut (from shortcuts.ts). Focus stays inside while it is
// open and returns to where it was when it closes; Escape, "?" or F1 close it.
import { Fragment, useId, useRef } from 'react';
import { useModalKeys } from '../components/use-modal-keys';
import { SHORTCUT_GROUPS, type Shortcut } from './shortcuts';

/** Escape, F1 or "?" (not Ctrl/Cmd+?) close the help: the keys that open it close it too. */
const closesHelp = (event: KeyboardEvent): boolean =>
  event.key === 'Escape' || event.key === 'F1' || (event.key === '?' && !event.ctrlKey && !event.metaKey);

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

  useModalKeys(dialogRef, closeRef, onClose, closesHelp);

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
