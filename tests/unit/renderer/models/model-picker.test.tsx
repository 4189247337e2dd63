// @vitest-environment happy-dom
// A strategy that trades a stored model (the ML signal) gets a picker of the registry's ready models for its
// `modelId`, not a text box for an id: the newest model is taken when none is set, a pick reaches the parameters.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, expect, test } from 'vitest';
import { ApiContext } from '../../../../src/renderer/src/api/context';
import {
  type StrategyParams,
  StrategyPicker,
} from '../../../../src/renderer/src/components/form/StrategyPicker';
import type { StrategyInfo } from '../../../../src/shared/domain/backtest';
import type { ModelSummary } from '../../../../src/shared/domain/ml';
import { fakeApi, flush } from '../fake-api';

afterEach(cleanup);

const ML_SIGNAL: StrategyInfo = {
  id: 'ml-signal',
  name: 'ML signal',
  description: 'Trades a model’s predicted probability.',
  paramsSchema: {
    type: 'object',
    properties: {
      modelId: { type: 'string', pattern: '^md-[a-z0-9-]{1,60}$' },
      threshold: { type: 'number', exclusiveMinimum: 0.5, exclusiveMaximum: 1, default: 0.55 },
    },
    required: ['modelId'],
  },
  defaults: { threshold: 0.55 },
  indicators: [],
};

const model = (
  id: string,
  name: string,
  createdAt: number,
  status: ModelSummary['status'] = 'ready',
): ModelSummary => ({
  id,
  name,
  createdAt,
  origin: 'trained',
  objective: 'binary:logistic',
  symbol: 'ACME',
  featureSetHash: null,
  featureNames: ['return_1'],
  trainFrom: null,
  trainTo: null,
  trees: 10,
  meanAuc: 0.55,
  status,
  error: null,
});

test('the model is picked from the registry: the newest ready one by default, another on choice', async () => {
  const { api } = fakeApi({
    'ml:list': () => [
      model('md-old', 'Old', 1),
      model('md-new', 'New', 3),
      model('md-busy', 'Busy', 4, 'training'),
    ],
    'strategy:check': () => ({ problems: [] }),
  });
  const seen: StrategyParams[] = [];
  function Harness() {
    const [params, setParams] = useState<StrategyParams>({ values: {}, valid: false });
    return (
      <StrategyPicker
        idPrefix="t"
        strategies={[ML_SIGNAL]}
        strategyId="ml-signal"
        params={params}
        onChange={(_, next) => {
          seen.push(next);
          setParams(next);
        }}
      />
    );
  }
  render(
    <ApiContext.Provider value={api}>
      <Harness />
    </ApiContext.Provider>,
  );
  await act(flush);
  await act(flush);
  const picker = screen.getByLabelText('Model') as HTMLSelectElement;
  // Ready models only, newest first; no text box for the id.
  expect([...picker.options].map((o) => o.textContent)).toEqual([
    'New · ACME · AUC 0.550',
    'Old · ACME · AUC 0.550',
  ]);
  expect(screen.queryByRole('textbox')).toBeNull();
  expect(seen.at(-1)).toEqual({ values: { modelId: 'md-new' }, valid: true });
  fireEvent.change(picker, { target: { value: 'md-old' } });
  expect(seen.at(-1)?.values).toEqual({ modelId: 'md-old' });
});

test('with no models yet the picker says where to make one', async () => {
  const { api } = fakeApi({ 'ml:list': () => [], 'strategy:check': () => ({ problems: [] }) });
  render(
    <ApiContext.Provider value={api}>
      <StrategyPicker
        idPrefix="t"
        strategies={[ML_SIGNAL]}
        strategyId="ml-signal"
        params={{ values: {}, valid: false }}
        onChange={() => {}}
      />
    </ApiContext.Provider>,
  );
  await act(flush);
  expect(screen.getByRole('alert').textContent).toBe(
    'No models yet: train or import one in the Models view.',
  );
});
