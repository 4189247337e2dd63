// Chart colours come from the CSS variables in styles.css, so the canvas follows the dark/light theme like the
// rest of the page. The App sets <html data-theme="…">; charts watch that attribute and re-apply their colours.
import { useEffect, useState } from 'react';

export interface ChartTheme {
  readonly bg: string;
  readonly panel: string;
  readonly border: string;
  readonly text: string;
  readonly muted: string;
  readonly accent: string;
  readonly up: string;
  readonly down: string;
  readonly warn: string;
}

/** The dark theme of styles.css: used when a variable cannot be read (tests, detached elements). */
export const FALLBACK_THEME: ChartTheme = {
  bg: '#0e1116',
  panel: '#151a21',
  border: '#262d38',
  text: '#d7dde6',
  muted: '#8590a0',
  accent: '#4c8dff',
  up: '#26a69a',
  down: '#ef5350',
  warn: '#f0b429',
};

/** Reads the theme's CSS variables as computed on `element` (the document root by default). */
export function readChartTheme(element: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: keyof ChartTheme): string =>
    style.getPropertyValue(`--${name}`).trim() || FALLBACK_THEME[name];
  return {
    bg: read('bg'),
    panel: read('panel'),
    border: read('border'),
    text: read('text'),
    muted: read('muted'),
    accent: read('accent'),
    up: read('up'),
    down: read('down'),
    warn: read('warn'),
  };
}

/**
 * `color` with the given opacity, for fills and volume bars. Understands #rgb, #rrggbb, rgb() and rgba(); anything
 * else is returned unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    let h = hex[1]!;
    if (h.length === 3) h = h[0]! + h[0]! + h[1]! + h[1]! + h[2]! + h[2]!;
    const n = Number.parseInt(h, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  return c;
}

/**
 * Re-reads the theme whenever <html>'s data-theme or class changes (and on the OS colour-scheme switch); returns
 * the current colours.
 */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState<ChartTheme>(() =>
    typeof document === 'undefined' ? FALLBACK_THEME : readChartTheme(),
  );
  useEffect(() => {
    const root = document.documentElement;
    const refresh = () =>
      setTheme((previous) => {
        const next = readChartTheme(root);
        return sameTheme(previous, next) ? previous : next;
      });
    refresh();
    const observer = new MutationObserver(refresh);
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    const media =
      typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    media?.addEventListener?.('change', refresh);
    return () => {
      observer.disconnect();
      media?.removeEventListener?.('change', refresh);
    };
  }, []);
  return theme;
}

function sameTheme(a: ChartTheme, b: ChartTheme): boolean {
  for (const key of Object.keys(a) as (keyof ChartTheme)[]) if (a[key] !== b[key]) return false;
  return true;
}
