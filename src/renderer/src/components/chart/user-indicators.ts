// The user's own indicators on a chart: asked of main (chart:indicators, the strategies' kernels) whenever the
// chart's data set or the list changes, and lined up with the chart's bars by time.
import { useEffect, useState } from 'react';
import type { CallInput } from '../../../../shared/api/contract';
import type { BarColumns } from '../../../../shared/domain/bars';
import type { ChartIndicator, ChartIndicatorLines } from '../../../../shared/domain/chart-tools';
import { useApi } from '../../api/context';
import type { Indicator } from './indicators';

/**
 * `lines` lined up with `bars`: each bar takes the value main computed at its time, NaN where main has none (bars
 * older than what it computed over). Both time columns are ascending.
 */
export function alignIndicatorLines(lines: ChartIndicatorLines, bars: BarColumns): Indicator[] {
  const n = Math.min(bars.length, bars.time.length);
  const from = lines.time;
  const index = new Int32Array(n).fill(-1);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = bars.time[i]!;
    while (j < from.length && from[j]! < t) j++;
    if (j < from.length && from[j] === t) index[i] = j;
  }
  return lines.indicators.map((set) => ({
    id: set.id,
    label: set.label,
    pane: set.pane,
    levels: set.levels,
    lines: set.lines.map((line) => ({
      name: line.name,
      style: line.style,
      values: Float64Array.from(index, (k) => (k < 0 ? Number.NaN : line.values[k]!)),
    })),
  }));
}

type ChartRef = CallInput<'chart:indicators'>['chart'];

/**
 * Main's lines of `indicators` on `chart`, asked again when the chart, the list or `refresh` changes; null while
 * none are asked for. A failure is kept as its message (shown beside the picker).
 */
export function useUserIndicatorLines(
  chart: ChartRef | null,
  indicators: readonly ChartIndicator[],
  refresh: unknown,
): { lines: ChartIndicatorLines | null; error: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ lines: ChartIndicatorLines | null; error: string | null }>({
    lines: null,
    error: null,
  });
  const chartKey = chart === null ? '' : JSON.stringify(chart);
  const listKey = JSON.stringify(indicators);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the keys stand for the chart and the list; refresh asks again
  useEffect(() => {
    if (chart === null || indicators.length === 0) {
      setState({ lines: null, error: null });
      return;
    }
    let current = true;
    void api.call('chart:indicators', { chart, indicators: [...indicators] }).then((result) => {
      if (!current) return;
      if (result.ok) setState({ lines: result.value, error: null });
      else setState((previous) => ({ lines: previous.lines, error: result.error.message }));
    });
    return () => {
      current = false;
    };
  }, [api, chartKey, listKey, refresh]);
  return state;
}
