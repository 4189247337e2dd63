// @vitest-environment happy-dom
// The page keys: which press means what, that a key typed into a field stays the field's, and that every page key
// is listed in the help table.
import { describe, expect, test } from 'vitest';
import { clampSize } from '../../../src/renderer/src/components/layout/Pane';
import { pageKey, SHORTCUT_GROUPS } from '../../../src/renderer/src/shortcuts/shortcuts';

const press = (init: KeyboardEventInit, target: EventTarget = document.body): KeyboardEvent => {
  const event = new KeyboardEvent('keydown', { bubbles: true, ...init });
  Object.defineProperty(event, 'target', { value: target });
  return event;
};

describe('page keys', () => {
  test('each key means its action', () => {
    expect(pageKey(press({ key: 'π', code: 'KeyP', altKey: true }))).toBe('pause-resume');
    expect(pageKey(press({ key: '≈', code: 'KeyX', altKey: true }))).toBe('flatten');
    expect(pageKey(press({ key: ']' }))).toBe('timeframe-up');
    expect(pageKey(press({ key: '[' }))).toBe('timeframe-down');
    expect(pageKey(press({ key: '.' }))).toBe('next-symbol');
    expect(pageKey(press({ key: ',' }))).toBe('previous-symbol');
    expect(pageKey(press({ key: 'F', shiftKey: true }))).toBe('full-width');
    expect(pageKey(press({ key: 'l' }))).toBe('follow-live');
    expect(pageKey(press({ key: '/' }))).toBe('focus-filter');
  });

  test('modifiers and text fields keep their keys', () => {
    expect(pageKey(press({ key: 'f', ctrlKey: true }))).toBeUndefined();
    expect(pageKey(press({ key: 'P', code: 'KeyP', altKey: true, shiftKey: true }))).toBeUndefined();
    expect(pageKey(press({ key: 's', code: 'KeyS', altKey: true }))).toBeUndefined(); // Alt+S is the top bar's
    const input = document.createElement('input');
    expect(pageKey(press({ key: 'f' }, input))).toBeUndefined();
    expect(pageKey(press({ key: 'x', code: 'KeyX', altKey: true }, input))).toBeUndefined();
  });

  test('the help lists every page key', () => {
    const listed = SHORTCUT_GROUPS.flatMap((g) => g.shortcuts.flatMap((s) => s.keys.map((k) => k.join('+'))));
    for (const keys of ['Alt+P', 'Alt+X', ']', '[', '.', ',', 'F', 'L', '/']) expect(listed).toContain(keys);
  });
});

describe('pane sizes', () => {
  test('a size stays within the pane bounds, in whole pixels', () => {
    expect(clampSize(512.4, 100, 900)).toBe(512);
    expect(clampSize(40, 100, 900)).toBe(100);
    expect(clampSize(1200, 100, 900)).toBe(900);
    // A window too small for the maximum: the minimum wins.
    expect(clampSize(300, 200, 150)).toBe(200);
  });
});
