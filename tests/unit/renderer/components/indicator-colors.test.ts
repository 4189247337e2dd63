import { describe, expect, it } from 'vitest';
import {
  type Indicator,
  indicatorColors,
  indicatorKey,
} from '../../../../src/renderer/src/components/chart/indicators';
import { FALLBACK_THEME } from '../../../../src/renderer/src/components/chart/theme';

const values = new Float64Array(0);

describe('indicator colours', () => {
  const indicators: Indicator[] = [
    { id: 'sma-5', label: 'SMA 5', pane: 'price', lines: [{ name: 'SMA 5', values }] },
    {
      id: 'bb',
      pane: 'price',
      lines: [
        { name: 'Upper', values },
        { name: 'Middle', values, color: '#123456' },
        { name: 'Lower', values },
      ],
    },
    { id: 'rsi-14', pane: 'lower', levels: [70, 30], lines: [{ name: 'RSI 14', values }] },
  ];

  it('takes palette colours in list order, theme first, and keeps a line’s own colour', () => {
    const colors = indicatorColors(indicators, FALLBACK_THEME);
    expect(colors.get(indicatorKey('sma-5', 'SMA 5'))).toBe(FALLBACK_THEME.warn);
    expect(colors.get(indicatorKey('bb', 'Upper'))).toBe(FALLBACK_THEME.accent);
    expect(colors.get(indicatorKey('bb', 'Middle'))).toBe('#123456');
    expect(colors.get(indicatorKey('rsi-14', 'RSI 14'))).not.toBe(colors.get(indicatorKey('bb', 'Lower')));
    expect(colors.size).toBe(5);
  });

  it('keys lines by indicator id and line name', () => {
    expect(indicatorKey('macd-12-26-9', 'Signal')).toBe('macd-12-26-9::Signal');
  });
});
