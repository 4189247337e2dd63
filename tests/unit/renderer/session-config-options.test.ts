// The session form's draft of an options session: what it sends main, what it reads back, what blocks Create.
import { describe, expect, test } from 'vitest';
import { configOf, draftFrom, draftProblem } from '../../../src/renderer/src/views/sessions/session-config';

const puts = (volSource: 'synthetic' | 'csv' | 'alpaca', vixFile = '') => ({
  ...draftFrom(undefined, []),
  options: { preset: '25k' as const, volSource, vixFile },
  cash: 25_000,
});

describe('an options session in the form', () => {
  test('sends SPY, the preset and the volatility source, and no equity strategy or risk', () => {
    const config = configOf(puts('csv', ' /data/VIX_History.csv '));
    expect(config).toEqual({
      symbols: ['SPY'],
      timeframe: '1m',
      cash: 25_000,
      venueKind: 'simulated',
      feed: { kind: 'synthetic-live', speed: 120 },
      options: { strategy: 'phase4d', preset: '25k', volSource: 'csv:/data/VIX_History.csv' },
    });
  });

  test('reads a stored options config back into the same draft', () => {
    const stored = configOf(puts('csv', '/data/VIX_History.csv'));
    expect(draftFrom(stored, []).options).toEqual({
      preset: '25k',
      volSource: 'csv',
      vixFile: '/data/VIX_History.csv',
    });
    expect(draftFrom({ symbols: ['ACME'] }, []).options).toBeNull();
  });

  test('blocks Create without a VIX file path, and Alpaca volatility on the simulator', () => {
    expect(draftProblem(puts('csv', '  '), undefined)).toMatch(/VIX_History\.csv/);
    expect(draftProblem(puts('alpaca'), undefined)).toMatch(/Alpaca paper sessions/);
    expect(draftProblem(puts('synthetic'), undefined)).toBeNull();
    expect(draftProblem({ ...puts('alpaca'), venue: 'alpaca-paper' }, undefined)).toBeNull();
  });
});
