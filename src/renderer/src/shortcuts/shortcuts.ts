// Every keyboard shortcut of the workstation, declared once: the views' keys drive both the sidebar and the
// handler in App.tsx, and the help overlay lists this table, so a shortcut cannot exist without being listed.
import type { ViewId } from '../../../shared/domain/workspace';

export const VIEWS: readonly { readonly id: ViewId; readonly label: string; readonly key: string }[] = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'sessions', label: 'Sessions', key: '2' },
  { id: 'backtests', label: 'Backtests', key: '3' },
  { id: 'research', label: 'Research', key: '5' },
  { id: 'models', label: 'Models', key: '6' },
  { id: 'settings', label: 'Settings', key: '4' },
];

export interface Shortcut {
  /** Keys as the user presses them, one entry per alternative: ['?'], ['F1']. Each entry's parts are joined by +. */
  readonly keys: readonly (readonly string[])[];
  readonly action: string;
}

export interface ShortcutGroup {
  readonly title: string;
  readonly shortcuts: readonly Shortcut[];
}

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Views',
    shortcuts: VIEWS.map((view) => ({ keys: [['Alt', view.key]], action: `Open ${view.label}` })),
  },
  {
    title: 'Session',
    shortcuts: [
      { keys: [['Alt', 'S']], action: 'Start the active session, or stop it when it runs' },
      { keys: [['Alt', 'P']], action: 'Pause the shown session, or resume it' },
      { keys: [['Alt', 'X']], action: 'Flatten the shown session (asks first)' },
    ],
  },
  {
    title: 'Chart',
    shortcuts: [
      { keys: [[']']], action: 'Next coarser timeframe' },
      { keys: [['[']], action: 'Next finer timeframe' },
      { keys: [['.']], action: 'Next symbol' },
      { keys: [[',']], action: 'Previous symbol' },
      { keys: [['F']], action: 'Full-width chart on or off' },
      { keys: [['L']], action: 'Follow live on or off' },
      {
        keys: [['Alt', 'H']],
        action: 'Price line tool: the next click on the session chart places a line (Esc cancels)',
      },
      {
        keys: [['Click']],
        action: 'Give the chart the mouse wheel (zoom); elsewhere the wheel scrolls the page',
      },
    ],
  },
  {
    title: 'Tables',
    shortcuts: [{ keys: [['/']], action: 'Focus the filter of the first table on the page' }],
  },
  {
    title: 'Help',
    shortcuts: [
      { keys: [['?'], ['F1']], action: 'Show these keyboard shortcuts' },
      { keys: [['Esc']], action: 'Close this help' },
      { keys: [['Tab'], ['Shift', 'Tab']], action: 'Move between controls' },
    ],
  },
];

/** The view an Alt+digit press opens; `code` (Digit1) too, since Alt+1 types "¡" on a Mac keyboard. */
export function viewForKey(event: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'key' | 'code'>) {
  if (!event.altKey || event.ctrlKey || event.metaKey) return undefined;
  return VIEWS.find((v) => v.key === event.key || `Digit${v.key}` === event.code);
}

/** Whether a key press is meant for a text field rather than the workstation ("?" typed into a name). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(target.type);
  }
  return false;
}

/** "?" (any keyboard layout: the key, not its position) or F1, without Ctrl/Alt/Meta, outside text fields. */
export function opensHelp(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey) return false;
  if (event.key === 'F1') return true;
  return event.key === '?' && !isTyping(event.target);
}

/** What a key press asks of the page shown, outside text fields. */
export type PageKey =
  | 'pause-resume'
  | 'flatten'
  | 'timeframe-up'
  | 'timeframe-down'
  | 'next-symbol'
  | 'previous-symbol'
  | 'full-width'
  | 'follow-live'
  | 'price-line-tool'
  | 'focus-filter';

const PLAIN_KEYS: Readonly<Record<string, PageKey>> = {
  ']': 'timeframe-up',
  '[': 'timeframe-down',
  '.': 'next-symbol',
  ',': 'previous-symbol',
  f: 'full-width',
  F: 'full-width',
  l: 'follow-live',
  L: 'follow-live',
  '/': 'focus-filter',
};

/** The page key a press means (Alt+P, Alt+X by position, since Alt+letters type symbols on a Mac), if any. */
export function pageKey(event: KeyboardEvent): PageKey | undefined {
  if (event.ctrlKey || event.metaKey || isTyping(event.target)) return undefined;
  if (event.altKey) {
    if (event.shiftKey) return undefined;
    if (event.code === 'KeyP') return 'pause-resume';
    if (event.code === 'KeyX') return 'flatten';
    if (event.code === 'KeyH') return 'price-line-tool';
    return undefined;
  }
  return PLAIN_KEYS[event.key];
}

/** Calls `handle` for each page key pressed while mounted; `handle` says whether it acted (then the key is used). */
export function onPageKeys(handle: (key: PageKey) => boolean): () => void {
  const listener = (event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    const key = pageKey(event);
    if (key && handle(key)) event.preventDefault();
  };
  window.addEventListener('keydown', listener);
  return () => window.removeEventListener('keydown', listener);
}
