// Refusals by field: main's bad-requests name the field by the label the forms show, in plain words, and carry the
// field's path so the form can put the message beside it — never `backtest:run: data.bars: Too big: …`.
import { describe, expect, test } from 'vitest';
import { createDispatcher } from '../../../src/main/api/dispatcher';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { checkStrategies, strategyParamProblems } from '../../../src/main/strategies/market-builder';
import { ConfigError, configFailure, parseBacktestConfig } from '../../../src/main/strategies/run-config';
import { describeProblem, fieldLabel, problemsUnder } from '../../../src/shared/api/field-errors';
import { handlerTable } from '../../support/handler-table';

const dispatch = createDispatcher(handlerTable({}), createMemoryLogger());

/** The error of a call that must fail, with its fields. */
async function refusal(name: string, arg: unknown) {
  const result = await dispatch(name, arg);
  if (result.ok) throw new Error(`${name} was accepted`);
  return result.error;
}

describe('one mapping from a schema path to the label the forms show', () => {
  test.each([
    ['config.strategy.params.fast', 'Fast period'],
    ['strategy.params.fast', 'Fast period'],
    ['config.strategies.SPY.params.slow', 'Slow period'],
    ['config.cash', 'Starting cash'],
    ['config.feed.speed', 'Speed'],
    ['data.bars', 'Bars per symbol'],
    ['data.files.0.path', 'File path'],
    ['config.feed.files.BOLT', 'Price file for BOLT'],
    ['keyId', 'API key id'],
    ['config.risk.stopLoss', 'Stop loss'],
    ['config.venue.slippageBps', 'Slippage bps'],
  ])('%s → %s', (path, label) => {
    expect(fieldLabel(path)).toBe(label);
  });
});

describe('main’s refusals name the field in the user’s words', () => {
  test('bars over the limit: "Bars per symbol: must be at most 2000000", with the path for the form', async () => {
    const error = await refusal('backtest:run', {
      data: { source: 'synthetic', symbols: ['ACME'], bars: 3_000_000, seed: 1 },
    });

    expect(error.code).toBe('bad-request');
    expect(error.message).toBe('Bars per symbol: must be at most 2000000');
    expect(error.fields).toEqual([{ path: 'data.bars', message: 'must be at most 2000000' }]);
  });

  test('a live key id: the schema’s own words, labelled "API key id", the secret never quoted', async () => {
    const error = await refusal('credentials:save', {
      keyId: 'AKABCDEFGHIJKLMNOP',
      secret: 'x'.repeat(40),
    });

    expect(error.message).toMatch(/^API key id: this is a live-trading key/);
    expect(error.message).not.toContain('credentials:save');
    expect(error.message).not.toContain('x'.repeat(40));
    expect(error.fields?.map((f) => f.path)).toEqual(['keyId']);
  });

  test('fast ≥ slow in a run config: "Fast period: must be less than the slow period (30)"', () => {
    const config = parseBacktestConfig({ strategy: { id: 'sma-crossover', params: { fast: 40, slow: 30 } } });
    let failure: ReturnType<typeof configFailure> | undefined;
    try {
      checkStrategies(config, ['ACME']);
    } catch (error) {
      if (error instanceof ConfigError) failure = configFailure(error);
    }

    expect(failure?.code).toBe('bad-request');
    expect(failure?.message).toBe('Fast period: must be less than the slow period (30)');
    expect(failure?.fields).toEqual([
      { path: 'config.strategy.params.fast', message: 'must be less than the slow period (30)' },
    ]);
  });

  test('a cash of zero is named as the form names it, not "config.cash: Too small: …"', () => {
    let message = '';
    try {
      parseBacktestConfig({ cash: 0 });
    } catch (error) {
      if (error instanceof ConfigError) message = configFailure(error).message;
    }

    expect(message).toBe('Starting cash: must be greater than 0');
  });

  test('strategy:check runs the strategy’s own schema, cross-field rules included, for the form to show live', async () => {
    const result = await createDispatcher(
      handlerTable({
        'strategy:check': ({ id, params }) => ({ problems: strategyParamProblems(id, params) }),
      }),
      createMemoryLogger(),
    )('strategy:check', { id: 'sma-crossover', params: { fast: 40, slow: 30 } });

    expect(result).toEqual({
      ok: true,
      value: {
        problems: [{ path: 'strategy.params.fast', message: 'must be less than the slow period (30)' }],
      },
    });
    expect(strategyParamProblems('sma-crossover', { fast: 5, slow: 30 })).toEqual([]);
    expect(describeProblem(strategyParamProblems('rsi', { oversold: 60, overbought: 40 })[0]!)).toBe(
      'Oversold level: must be below the overbought level (40)',
    );
  });

  test('problemsUnder hands a form its own fields', () => {
    const fields = [
      { path: 'config.strategy.params.fast', message: 'a' },
      { path: 'config.cash', message: 'b' },
      { path: 'config.risk.stopLoss', message: 'c' },
    ];
    expect(problemsUnder(fields, 'config.strategy.params')).toEqual({ fast: 'a' });
    expect(problemsUnder(fields, 'config')).toEqual({ cash: 'b', strategy: 'a', risk: 'c' });
  });
});
