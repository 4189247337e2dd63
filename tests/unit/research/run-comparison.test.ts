// The settings in which two to four backtest runs differ, as the comparison lists them.
import { describe, expect, test } from 'vitest';
import { configDifferences, flattenSettings, type RunSetup } from '../../../src/main/research/run-comparison';
import { parseBacktestConfig } from '../../../src/main/strategies/run-config';

const synthetic: Extract<RunSetup['data'], { source: 'synthetic' }> = {
  source: 'synthetic',
  symbols: ['ACME'],
  timeframe: '1D',
  bars: 756,
  seed: 7,
};

/** A run's setup as it is stored: the config parsed (defaults filled), strategy params as the user sent them. */
const run = (config: Record<string, unknown>, data: RunSetup['data'] = synthetic): RunSetup => ({
  data,
  config: parseBacktestConfig(config) as unknown as Record<string, unknown>,
});

describe('flattenSettings', () => {
  test('objects become dotted paths, lists of values stay whole, lists of objects go by index', () => {
    const leaves = flattenSettings({
      cash: 1000,
      risk: { sizing: { mode: 'fixed-qty', qty: 10 }, maxDrawdown: undefined },
      data: { symbols: ['ACME', 'BOLT'], files: [{ path: '/a.csv' }, { path: '/b.csv' }] },
    });

    expect(Object.fromEntries(leaves)).toEqual({
      cash: 1000,
      'risk.sizing.mode': 'fixed-qty',
      'risk.sizing.qty': 10,
      'data.symbols': ['ACME', 'BOLT'],
      'data.files.0.path': '/a.csv',
      'data.files.1.path': '/b.csv',
    });
  });
});

/** Each run's value as a difference lists it: absent (undefined here) is null. */
const values = (...each: unknown[]) => each.map((value) => (value === undefined ? null : { value }));

describe('configDifferences', () => {
  test('the same setup: nothing differs', () => {
    expect(configDifferences([run({}), run({})])).toEqual([]);
  });

  test('a strategy parameter left at its default equals the same value typed in', () => {
    // sma-crossover's fast defaults to 5.
    const a = run({ strategy: { id: 'sma-crossover', params: {} } });
    const b = run({ strategy: { id: 'sma-crossover', params: { fast: 5 } } });

    expect(configDifferences([a, b])).toEqual([]);
  });

  test('each changed setting once, with its section, in the form’s order: data, general, strategy, risk, costs', () => {
    const a = run({ cash: 100_000, strategy: { id: 'sma-crossover', params: { fast: 5 } } });
    const b = run(
      {
        cash: 50_000,
        strategy: { id: 'sma-crossover', params: { fast: 10 } },
        risk: { stopLoss: 0.03 },
        venue: { slippageBps: 5 },
      },
      { ...synthetic, seed: 8 },
    );

    expect(configDifferences([a, b])).toEqual([
      { section: 'data', path: 'data.seed', values: values(7, 8) },
      { section: 'general', path: 'cash', values: values(100_000, 50_000) },
      { section: 'strategy', path: 'strategy.params.fast', values: values(5, 10) },
      { section: 'risk', path: 'risk.stopLoss', values: values(0.05, 0.03) },
      { section: 'costs', path: 'venue.slippageBps', values: values(0, 5) },
    ]);
  });

  test('another strategy: its id and every parameter of either side, a side without one left out', () => {
    const a = run({ strategy: { id: 'sma-crossover' } });
    const b = run({ strategy: { id: 'rsi' } });

    const differences = configDifferences([a, b]);

    expect(differences[0]).toEqual({
      section: 'strategy',
      path: 'strategy.id',
      values: values('sma-crossover', 'rsi'),
    });
    const fast = differences.find((d) => d.path === 'strategy.params.fast');
    expect(fast).toEqual({ section: 'strategy', path: 'strategy.params.fast', values: values(5, undefined) });
    expect(differences.every((d) => d.section === 'strategy')).toBe(true);
  });

  test('an optional limit set on one side only shows as absent on the other', () => {
    const differences = configDifferences([run({}), run({ risk: { maxDrawdown: 0.2 } })]);

    expect(differences).toEqual([
      { section: 'risk', path: 'risk.maxDrawdown', values: values(undefined, 0.2) },
    ]);
  });

  test('synthetic against CSV data: the source and each data setting that only one of them has', () => {
    const csv: RunSetup['data'] = {
      source: 'csv',
      files: [{ path: '/data/acme.csv', symbol: 'ACME', timeframe: '1D', skipInvalid: false }],
      symbols: ['ACME'],
      timeframe: '1D',
    };

    const paths = configDifferences([run({}), run({}, csv)]).map((d) => [
      d.path,
      ...d.values.map((v) => v?.value),
    ]);

    expect(paths).toEqual([
      ['data.bars', 756, undefined],
      ['data.files.0.path', undefined, '/data/acme.csv'],
      ['data.files.0.skipInvalid', undefined, false],
      ['data.files.0.symbol', undefined, 'ACME'],
      ['data.files.0.timeframe', undefined, '1D'],
      ['data.seed', 7, undefined],
      ['data.source', 'synthetic', 'csv'],
    ]);
  });

  test('four runs: a setting alike in three and changed in one is listed with all four values; one alike in all is not', () => {
    const base = { cash: 100_000, strategy: { id: 'sma-crossover', params: { fast: 5 } } };
    const setups = [
      run(base),
      run({ ...base, strategy: { id: 'sma-crossover', params: { fast: 10 } } }),
      run(base),
      run({ ...base, venue: { slippageBps: 5 } }),
    ];

    expect(configDifferences(setups)).toEqual([
      { section: 'strategy', path: 'strategy.params.fast', values: values(5, 10, 5, 5) },
      { section: 'costs', path: 'venue.slippageBps', values: values(0, 0, 0, 5) },
    ]);
  });
});
