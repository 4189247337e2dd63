// Default run names carry the parameters that tell runs apart, with each strategy's defaults filled in.
import { describe, expect, test } from 'vitest';
import { defaultRunName, strategyLabel } from '../../../src/main/strategies/run-name';

describe('defaultRunName', () => {
  test('SMA crossover left at its defaults reads SMA 5/20 with the symbol and the bar size', () => {
    expect(defaultRunName({ strategy: { id: 'sma-crossover' }, symbols: ['ACME'], timeframe: '1D' })).toBe(
      'SMA 5/20 · ACME · 1D',
    );
  });

  test('a parameter the user set shows, the others keep their defaults', () => {
    expect(
      defaultRunName({
        strategy: { id: 'sma-crossover', params: { fast: 10 } },
        symbols: ['ACME', 'BOLT'],
        timeframe: '1h',
      }),
    ).toBe('SMA 10/20 · ACME, BOLT · 1h');
  });

  test('more than three symbols are counted, per-symbol overrides are mentioned', () => {
    expect(
      defaultRunName({
        strategy: { id: 'rsi', params: { period: 7 } },
        strategies: { BOLT: { id: 'macd' } },
        symbols: ['A', 'B', 'C', 'D', 'E'],
        timeframe: '5m',
      }),
    ).toBe('RSI 7 30/70 + 1 per-symbol · A, B, C +2 · 5m');
  });

  test('each built-in strategy names its defining parameters', () => {
    expect(strategyLabel('macd', {})).toBe('MACD 12/26/9');
    expect(strategyLabel('mean-reversion', { bandWidth: 2 })).toBe('Bollinger 20 ×2');
    expect(strategyLabel('atr-breakout', { allowShort: true })).toBe('ATR breakout 14 ×2 long/short');
    expect(strategyLabel('ensemble', {})).toBe('Ensemble 2 of [SMA 5/20, RSI 14 30/70, MACD 12/26/9]');
    expect(strategyLabel('regime-filter', {})).toBe('SMA 5/20 if trending (ADX 14 ≥ 25)');
  });

  test('an unknown strategy keeps its id; parameters its schema refuses fall back to its name', () => {
    expect(strategyLabel('nope', {})).toBe('nope');
    expect(strategyLabel('sma-crossover', { fast: 30, slow: 10 })).toBe('SMA crossover');
  });
});
