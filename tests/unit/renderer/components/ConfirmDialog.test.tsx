// @vitest-environment happy-dom
// One dialog for the actions that cannot be taken back: the confirming button says what it does and has the focus,
// Enter confirms, Escape cancels with nothing done, and Enter on Cancel cancels.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConfirmDialog } from '../../../../src/renderer/src/components/ConfirmDialog';

afterEach(cleanup);

function open() {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  render(
    <ConfirmDialog
      title="Flatten “Demo”?"
      confirmLabel="Flatten 3 positions"
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>Closes 100 ACME long.</p>
    </ConfirmDialog>,
  );
  return { onConfirm, onCancel, dialog: screen.getByRole('alertdialog', { name: 'Flatten “Demo”?' }) };
}

describe('ConfirmDialog', () => {
  test('the dangerous button is named by what it does and has the focus', () => {
    open();
    const confirm = screen.getByRole('button', { name: 'Flatten 3 positions' });
    expect(document.activeElement).toBe(confirm);
  });

  test('Escape cancels and nothing is confirmed', () => {
    const { onConfirm, onCancel } = open();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  test('Enter confirms', () => {
    const { onConfirm, onCancel } = open();
    fireEvent.keyDown(screen.getByRole('button', { name: 'Flatten 3 positions' }), { key: 'Enter' });
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onCancel).not.toHaveBeenCalled();
  });

  test('Enter on Cancel does not confirm', () => {
    const { onConfirm } = open();
    fireEvent.keyDown(screen.getByRole('button', { name: 'Cancel' }), { key: 'Enter' });
    expect(onConfirm).not.toHaveBeenCalled();
  });
});
