import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatMoney,
  formatMoneyAxis,
  formatNumber,
  formatPercent,
  formatPnl,
  formatPnlPercent,
  formatPrice,
  formatQty,
  formatTime,
  formatVolume,
  MISSING,
  toneOf,
} from '../../../../src/renderer/src/components/chart/format';

describe('formatMoneyAxis: as many decimals as the visible range needs', () => {
  it('a flat $100,000 curve spanning cents: ticks read apart, not "$100,000" seven times', () => {
    const span = 1.5;
    const ticks = [100_000, 100_000.25, 100_000.5, 100_000.75, 100_001, 100_001.25, 100_001.5];
    const labels = ticks.map((t) => formatMoneyAxis(t, span));
    expect(labels[0]).toBe('$100,000.00');
    expect(labels[1]).toBe('$100,000.25');
    expect(new Set(labels).size).toBe(ticks.length);
  });

  it('a span of $50 or more: whole dollars', () => {
    expect(formatMoneyAxis(100_250, 5_000)).toBe('$100,250');
    expect(formatMoneyAxis(100_005, 50)).toBe('$100,005');
    expect(formatMoneyAxis(100_005.5, 49.99)).toBe('$100,005.50');
  });

  it('no range yet: cents under $1,000, whole dollars from there', () => {
    expect(formatMoneyAxis(999.5, null)).toBe('$999.50');
    expect(formatMoneyAxis(100_000.4, null)).toBe('$100,000');
    expect(formatMoneyAxis(-12.5, Number.NaN)).toBe('-$12.50');
  });
});

describe('format helpers', () => {
  it('formats money with grouping, sign and missing values', () => {
    expect(formatMoney(1234.5)).toBe('$1,234.50');
    expect(formatMoney(-1234.5)).toBe('-$1,234.50');
    expect(formatMoney(12.3, { signed: true })).toBe('+$12.30');
    expect(formatMoney(-0.001)).toBe('$0.00'); // no "-$0.00"
    expect(formatMoney(1_000_000, { decimals: 0 })).toBe('$1,000,000');
    expect(formatMoney(5, { symbol: '' })).toBe('5.00');
    expect(formatMoney(null)).toBe(MISSING);
    expect(formatMoney(Number.NaN)).toBe(MISSING);
    expect(formatMoney(Number.POSITIVE_INFINITY)).toBe(MISSING);
  });

  it('formats prices, quantities and plain numbers', () => {
    expect(formatPrice(1234.5)).toBe('1,234.50');
    expect(formatPrice(0.12345)).toBe('0.1235');
    expect(formatPrice(0)).toBe('0.00');
    expect(formatPrice(101.256, 3)).toBe('101.256');
    expect(formatQty(-1500)).toBe('-1,500');
    expect(formatQty(0.5)).toBe('0.5');
    expect(formatQty(1.23456)).toBe('1.2346');
    expect(formatNumber(1234.5)).toBe('1,234.5');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(-0.0001, 2)).toBe('0.00');
    expect(formatNumber(undefined)).toBe(MISSING);
  });

  it('formats percentages from fractions', () => {
    expect(formatPercent(0.1234)).toBe('12.34%');
    expect(formatPercent(-0.05)).toBe('-5.00%');
    expect(formatPercent(0.05, { signed: true })).toBe('+5.00%');
    expect(formatPercent(0.5, { decimals: 0 })).toBe('50%');
    expect(formatPercent(-0.00001)).toBe('0.00%');
    expect(formatPercent(null)).toBe(MISSING);
  });

  it('gives signed P&L a tone', () => {
    expect(formatPnl(12.3)).toEqual({ text: '+$12.30', tone: 'up' });
    expect(formatPnl(-1234.567)).toEqual({ text: '-$1,234.57', tone: 'down' });
    expect(formatPnl(0)).toEqual({ text: '$0.00', tone: undefined });
    expect(formatPnl(0.001)).toEqual({ text: '$0.00', tone: undefined });
    expect(formatPnl(null)).toEqual({ text: MISSING, tone: undefined });
    expect(formatPnlPercent(-0.0125)).toEqual({ text: '-1.25%', tone: 'down' });
    expect(formatPnlPercent(0.2)).toEqual({ text: '+20.00%', tone: 'up' });
    expect(toneOf(3)).toBe('up');
    expect(toneOf(-3)).toBe('down');
    expect(toneOf(0)).toBeUndefined();
    expect(toneOf(Number.NaN)).toBeUndefined();
  });

  it('formats volume compactly', () => {
    expect(formatVolume(950)).toBe('950');
    expect(formatVolume(1234)).toBe('1.23K');
    expect(formatVolume(12_500)).toBe('12.5K');
    expect(formatVolume(250_000)).toBe('250K');
    expect(formatVolume(999_999)).toBe('1.00M');
    expect(formatVolume(1_234_567)).toBe('1.23M');
    expect(formatVolume(1.2e9)).toBe('1.20B');
    expect(formatVolume(3.5e12)).toBe('3.50T');
    expect(formatVolume(0)).toBe('0');
    expect(formatVolume(0.25)).toBe('0.25');
    expect(formatVolume(Number.NaN)).toBe(MISSING);
  });

  it('formats times ISO-ish', () => {
    const t = Date.UTC(2024, 2, 5, 14, 30, 7);
    expect(formatTime(t, { utc: true })).toBe('2024-03-05 14:30');
    expect(formatTime(t, { utc: true, seconds: true })).toBe('2024-03-05 14:30:07');
    expect(formatTime(t, { utc: true, part: 'time' })).toBe('14:30');
    expect(formatTime(t, { utc: true, part: 'day' })).toBe('2024-03-05');
    expect(formatTime(t)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(formatTime(null)).toBe(MISSING);
  });

  it('formats durations coarsely', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(12 * 60_000)).toBe('12m');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3h 05m');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d 4h');
  });
});
