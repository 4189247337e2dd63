// @vitest-environment happy-dom
// The keyboard help as the user meets it in the app: "?" or F1 opens a labelled modal dialog listing every shortcut,
// focus stays inside it, Escape closes it and gives focus back, and the app's shortcuts wait while it is open.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { App } from '../../../src/renderer/src/App';
import { opensHelp, SHORTCUT_GROUPS, VIEWS, viewForKey } from '../../../src/renderer/src/shortcuts/shortcuts';
import { AppStoresProvider } from '../../../src/renderer/src/stores/context';
import { createAppStores } from '../../../src/renderer/src/stores/index';
import { fakeApi } from './fake-api';

afterEach(cleanup);
function renderApp() {
  const { api } = fakeApi();
  const stores = createAppStores(api);
  stores.workspace.setState({ view: 'overview', panels: {}, restored: false, viewChosen: false });
  return render(
    <AppStoresProvider stores={stores}>
      <App />
    </AppStoresProvider>,
  );
}

const press = (key: string, init: KeyboardEventInit = {}, target: Element = document.body) =>
  act(() => {
    fireEvent.keyDown(target, { key, bubbles: true, ...init });
  });

const activeView = () => document.querySelector('.sidebar .nav.active')?.textContent;

describe('the keyboard help', () => {
  test('"?" opens a modal dialog named by its heading that lists every shortcut', () => {
    renderApp();
    expect(screen.queryByRole('dialog')).toBeNull();

    press('?');

    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('aria-describedby')).toBeTruthy();
    for (const group of SHORTCUT_GROUPS) {
      const section = within(dialog).getByRole('region', { name: group.title });
      for (const shortcut of group.shortcuts) expect(section.textContent).toContain(shortcut.action);
    }
    // Every view's key and Alt+S are among them.
    const keys = Array.from(dialog.querySelectorAll('kbd'), (k) => k.textContent);
    for (const view of VIEWS) expect(keys).toContain(view.key);
    expect(keys).toEqual(expect.arrayContaining(['Alt', 'S', '?', 'F1', 'Esc']));
  });

  test('focus moves into the dialog, Tab cannot leave it, Escape closes it and focus goes back', () => {
    renderApp();
    const opener = screen.getByRole('button', { name: /Shortcuts/ });
    opener.focus();

    act(() => opener.click());
    const close = screen.getByRole('button', { name: 'Close keyboard shortcuts' });
    expect(document.activeElement).toBe(close);
    // The only control: Tab and Shift+Tab both stay on it.
    press('Tab', {}, close);
    expect(document.activeElement).toBe(close);
    press('Tab', { shiftKey: true }, close);
    expect(document.activeElement).toBe(close);
    // The page behind is inert while the dialog is open.
    expect(document.querySelector('.shell')?.hasAttribute('inert')).toBe(true);

    press('Escape', {}, close);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(document.querySelector('.shell')?.hasAttribute('inert')).toBe(false);
  });

  test('F1 opens it and closes it again; so does "?"', () => {
    renderApp();
    press('F1');
    expect(screen.getByRole('dialog')).toBeTruthy();
    press('F1');
    expect(screen.queryByRole('dialog')).toBeNull();
    press('?');
    press('?');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('while it is open Alt+2 does not switch views; once closed it does', () => {
    renderApp();
    press('?');
    press('2', { altKey: true, code: 'Digit2' });
    expect(activeView()).toBe('Overview');

    press('Escape');
    press('2', { altKey: true, code: 'Digit2' });
    expect(activeView()).toBe('Sessions');
  });

  test('"?" typed into a text field is text, not the help', () => {
    renderApp();
    const field = document.createElement('input');
    document.body.append(field);

    press('?', {}, field);

    expect(screen.queryByRole('dialog')).toBeNull();
    field.remove();
  });
});

describe('shortcut matching', () => {
  test('Alt+digit by key or by key position (a Mac types "¡" for Alt+1)', () => {
    const key = (init: Partial<KeyboardEvent>) =>
      ({ altKey: false, ctrlKey: false, metaKey: false, key: '', code: '', ...init }) as KeyboardEvent;
    expect(viewForKey(key({ altKey: true, key: '3', code: 'Digit3' }))?.id).toBe('backtests');
    expect(viewForKey(key({ altKey: true, key: '¡', code: 'Digit1' }))?.id).toBe('overview');
    expect(viewForKey(key({ key: '3', code: 'Digit3' }))).toBeUndefined();
    expect(viewForKey(key({ altKey: true, ctrlKey: true, key: '3', code: 'Digit3' }))).toBeUndefined();
  });

  test('"?" opens the help outside fields and on checkboxes; F1 anywhere; not with Ctrl', () => {
    const event = (key: string, target: EventTarget, init: KeyboardEventInit = {}) => {
      const e = new KeyboardEvent('keydown', { key, bubbles: true, ...init });
      Object.defineProperty(e, 'target', { value: target });
      return e;
    };
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(opensHelp(event('?', document.body))).toBe(true);
    expect(opensHelp(event('?', text))).toBe(false);
    expect(opensHelp(event('?', box))).toBe(true);
    expect(opensHelp(event('F1', text))).toBe(true);
    expect(opensHelp(event('?', document.body, { ctrlKey: true }))).toBe(false);
  });
});
