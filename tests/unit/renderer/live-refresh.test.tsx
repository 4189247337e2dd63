// @vitest-environment happy-dom
// The report panels' refresh keys on a fast feed: a change after a quiet spell passes at once, a stream of changes
// passes at most once a second, and the newest value always comes through.
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVE_REFRESH_MS, useThrottledValue } from '../../../src/renderer/src/views/sessions/live-refresh';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('useThrottledValue', () => {
  it('passes a first change at once, then at most one per interval, ending on the newest', () => {
    const seen: number[] = [];
    const { result, rerender } = renderHook(
      ({ value }) => {
        const shown = useThrottledValue(value);
        if (seen.at(-1) !== shown) seen.push(shown);
        return shown;
      },
      { initialProps: { value: 0 } },
    );
    rerender({ value: 1 });
    act(() => vi.advanceTimersByTime(0));
    expect(result.current).toBe(1);
    // 50 fills in half a second: none passes before the interval is up, then the newest does.
    for (let k = 2; k <= 51; k++) {
      rerender({ value: k });
      act(() => vi.advanceTimersByTime(10));
    }
    expect(result.current).toBe(1);
    act(() => vi.advanceTimersByTime(LIVE_REFRESH_MS));
    expect(result.current).toBe(51);
    expect(seen).toEqual([0, 1, 51]);
  });
});
