// Panels that re-read a report from main (daily summary, P&L by period, plan outcomes, options) when the run moves
// on: on a fast feed the fills and orders change many times a second, and a re-read (with its render) per change
// kept the page busy. Their refresh keys follow the live figures at most once per LIVE_REFRESH_MS, the last
// change always coming through.
import { useEffect, useRef, useState } from 'react';

export const LIVE_REFRESH_MS = 1000;

/**
 * `value` as it was at most `ms` ago: a change after a quiet spell passes at once, changes within `ms` of the
 * last one passed wait until then (the newest one passes).
 */
export function useThrottledValue<T>(value: T, ms = LIVE_REFRESH_MS): T {
  const [shown, setShown] = useState(value);
  const last = useRef(Number.NEGATIVE_INFINITY);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = Math.max(0, last.current + ms - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(latest.current);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}
