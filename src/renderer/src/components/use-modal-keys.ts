// Keyboard behaviour shared by the modal dialogs: focus moves in when one opens and back where it was when it
// closes, Tab cannot leave it, a close key closes it, and the workstation's Alt shortcuts wait behind it.
import { type RefObject, useEffect } from 'react';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

const isEscape = (event: KeyboardEvent): boolean => event.key === 'Escape';

export function useModalKeys(
  dialogRef: RefObject<HTMLElement | null>,
  initialFocusRef: RefObject<HTMLElement | null>,
  onClose: () => void,
  /** Keys that close the dialog; Escape unless given. Keep it a stable function (module level). */
  closesOn: (event: KeyboardEvent) => boolean = isEscape,
): void {
  useEffect(() => {
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    initialFocusRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      const dialog = dialogRef.current;
      if (!dialog) return;
      if (closesOn(event)) {
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
      // Alt+S must not start or stop a session behind an open dialog.
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
  }, [dialogRef, initialFocusRef, onClose, closesOn]);
}
