// The Models view's pure parts: a model's predictions laid over bars by time, the feature set editor's checks in the
// shared schema's words, and the comparison of two models.
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_FEATURE_SET,
  featureSetInput,
  featureSetProblems,
  newFeature,
  predictionsOnBars,
} from '../../../../src/renderer/src/views/models/models-model';
import { featureSetSchema } from '../../../../src/shared/domain/ml';

describe('predictions over bars', () => {
  test('each prediction lands on the bar with its time; bars without one are gaps, extra predictions are skipped', () => {
    const bars = new Float64Array([100, 200, 300, 400, 500, 0]);
    const { values, matched } = predictionsOnBars(bars, 5, {
      time: [50, 200, 300, 450, 500, 900],
      prediction: [0.1, 0.6, 0.7, 0.2, 0.4, 0.9],
    });
    expect([...values].map((v) => (Number.isNaN(v) ? null : v))).toEqual([null, 0.6, 0.7, null, 0.4]);
    expect(matched).toBe(3);
  });
});

describe('the feature set editor', () => {
  test('the default set is one main accepts', () => {
    expect(featureSetSchema.safeParse(featureSetInput(DEFAULT_FEATURE_SET)).success).toBe(true);
    expect(featureSetProblems(DEFAULT_FEATURE_SET)).toEqual({});
  });

  test('a half-typed or out-of-bounds period is named with its row and kind', () => {
    const draft = {
      ...DEFAULT_FEATURE_SET,
      features: [
        newFeature('return'),
        { ...newFeature('macd'), values: { fast: '12', slow: '', signal: '9' } },
      ],
      timeframes: '5, 1',
    };
    const problems = featureSetProblems(draft);
    expect(problems['features.1']).toBe('Feature 2 (MACD and signal) slow: must be a number');
    expect(problems['timeframes']).toBe('Higher timeframes: must be at least 2');
  });

  test('an empty set says it needs a feature', () => {
    expect(featureSetProblems({ features: [], symbols: '', timeframes: '' })['']).toBe(
      'Features: a feature set needs at least one feature',
    );
  });
});
