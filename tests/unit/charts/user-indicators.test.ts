// The trader's own indicators: the same steppers as the strategy's lines, ids of their own, cut to the chart's page,
// and the workspace remembering them per chart (zod-checked).
import { describe, expect, it } from 'vitest';
import { computeIndicator } from '../../../src/main/charts/indicator-lines';
import { userIndicatorLines } from '../../../src/main/charts/user-indicators';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { chartIndicatorSchema } from '../../../src/shared/domain/chart-tools';
import { workspaceSchema } from '../../../src/shared/domain/workspace';

const bars = generateMarket({ symbols: ['ACME'], bars: 500, seed: 3, timeframe: '5m' })[0]!;

describe('userIndicatorLines', () => {
  it('draws the strategy kernels over the whole series, then cuts the asked page', () => {
    const whole = userIndicatorLines([{ kind: 'rsi', period: 14 }], bars, 'us-equities');
    const page = userIndicatorLines(
      [{ kind: 'rsi', period: 14 }, { kind: 'vwap' }, { kind: 'macd', fast: 12, slow: 26, signal: 9 }],
      bars,
      'us-equities',
      400,
      450,
    );
    const reference = computeIndicator({ kind: 'rsi', period: 14, pane: 'lower' }, bars).lines[0]!.values;
    expect(Array.from(whole.indicators[0]!.lines[0]!.values)).toEqual(Array.from(reference));
    expect(whole.indicators[0]).toMatchObject({ id: 'mine-rsi-14-70-30', label: 'RSI 14', pane: 'lower' });
    expect(whole.indicators[0]!.levels).toEqual([70, 30]);

    expect(Array.from(page.time)).toEqual(Array.from(bars.time.slice(400, 450)));
    expect(Array.from(page.indicators[0]!.lines[0]!.values)).toEqual(Array.from(reference.slice(400, 450)));
    expect(page.indicators.map((i) => [i.id, i.pane])).toEqual([
      ['mine-rsi-14-70-30', 'lower'],
      ['mine-vwap', 'price'],
      ['mine-macd-12-26-9', 'lower'],
    ]);
    expect(page.indicators[1]!.lines[0]!.values.every(Number.isFinite)).toBe(true);
  });
});

describe('the chart indicators in the workspace', () => {
  it('keeps each chart its own list, checked', () => {
    const parsed = workspaceSchema.parse({
      chartIndicators: { session: [{ kind: 'vwap' }, { kind: 'rsi', period: 14 }], backtest: [] },
    });
    expect(parsed.chartIndicators?.session).toEqual([{ kind: 'vwap' }, { kind: 'rsi', period: 14 }]);
  });
  it('refuses bad settings in words', () => {
    const macd = chartIndicatorSchema.safeParse({ kind: 'macd', fast: 30, slow: 26, signal: 9 });
    expect(macd.success).toBe(false);
    expect(macd.error?.issues[0]?.message).toBe('the fast period must be shorter than the slow');
    expect(chartIndicatorSchema.safeParse({ kind: 'sma', period: 0 }).error?.issues[0]?.message).toBe(
      'a period is at least 1 bar',
    );
    expect(
      workspaceSchema.safeParse({ chartIndicators: { session: Array(9).fill({ kind: 'vwap' }) } }).success,
    ).toBe(false);
  });
});
