// What the Backtests form gets to offer a Phase 4D run (the strategy's params as JSON Schema, the presets), and the
// form's opening of the skip filters into three numbers and folding them back as the strategy's schema takes them.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { optionsBacktestInfo } from '../../../src/main/research/options-backtest-info';
import { Phase4dParamsSchema } from '../../../src/main/strategies/phase4d';
import {
  DEFAULT_OPTIONS_CHOICE,
  foldFilters,
  formParamsSchema,
  optionsRequest,
  paramField,
} from '../../../src/renderer/src/views/backtests/options/options-form-model';

const ready = { ...DEFAULT_OPTIONS_CHOICE, spyPath: '/data/SPY_5m.csv', vixPath: '/data/VIX_History.csv' };

describe('the strategy parameters form', () => {
  const info = optionsBacktestInfo(
    (schema) => z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>,
  );

  test('the preset is the form’s own field; the skip filters are three numbers, not a JSON object', () => {
    const properties = formParamsSchema(info.paramsSchema)['properties'] as Record<
      string,
      { description?: string }
    >;
    expect(Object.keys(properties)).not.toContain('preset');
    expect(Object.keys(properties)).not.toContain('filters');
    expect(properties['maxVix']?.description).toMatch(/VIX close is above this/);
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(['extremeRange', 'moderateRange', 'profitTarget']),
    );
    expect(info.presets['25k']).toMatchObject({ accountSize: 25_000, contracts: 25, targetDailyPnl: 341.77 });
  });

  test('the numbers go back under filters, as the strategy’s schema takes them; refusals find their field', () => {
    const params = foldFilters({ maxVix: 22, extremeRange: 9, moderateRange: 4, profitTarget: 0.4 });
    expect(params).toEqual({ profitTarget: 0.4, filters: { maxVix: 22, extremeRange: 9, moderateRange: 4 } });
    expect(Phase4dParamsSchema.parse(params).filters).toEqual({
      maxVix: 22,
      extremeRange: 9,
      moderateRange: 4,
    });
    expect(optionsRequest({ ...ready, params: { maxVix: 30 } }).params).toEqual({ filters: { maxVix: 30 } });
    expect(foldFilters({ profitTarget: 0.5 })).toEqual({ profitTarget: 0.5 });
    expect(paramField('params.filters.maxVix')).toBe('maxVix');
    expect(paramField('params.profitTarget')).toBe('profitTarget');
  });
});
