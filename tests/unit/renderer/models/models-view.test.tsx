// @vitest-environment happy-dom
// The Models view against a fake API: the train form sends the ml:train request a user means (data, symbol, feature
// set, label, booster settings, folds), bad feature rows and main's refusals land on the row they name, a training
// shows its progress from 'ml-progress' with Cancel, a finished one shows its folds, importance and calibration, two
// models compare side by side, and an XGBoost file is imported with its text.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppStoresProvider } from '../../../../src/renderer/src/stores/context';
import { createAppStores } from '../../../../src/renderer/src/stores/index';
import { ModelsView } from '../../../../src/renderer/src/views/models/ModelsView';
import type { CallName } from '../../../../src/shared/api/names';
import type { ApiResult } from '../../../../src/shared/api/result';
import type { BacktestOptionsInfo } from '../../../../src/shared/domain/backtest';
import type { ModelDetail, ModelSummary, TrainRequestInput } from '../../../../src/shared/domain/ml';
import { type FakeHandler, fakeApi, flush } from '../fake-api';

// The candle chart needs lightweight-charts' canvas; here it is enough to see what it was given.
vi.mock('../../../../src/renderer/src/components/chart/CandleChart', () => ({
  CandleChart: (props: { label: string; indicators?: { lines: { values: Float64Array }[] }[] }) => (
    <div data-testid="candle-chart" title={props.label}>
      {props.indicators?.[0]?.lines[0]?.values.filter((v) => !Number.isNaN(v)).length ?? 0} predictions drawn
    </div>
  ),
}));

afterEach(cleanup);

const OPTIONS: BacktestOptionsInfo = {
  riskSchema: { type: 'object', properties: {} },
  venueSchema: { type: 'object', properties: {} },
  syntheticSymbols: ['ACME', 'BOLT'],
  defaultSeed: 42,
};

const DAY = 86_400_000;
const summary = (id: string, name: string, patch: Partial<ModelSummary> = {}): ModelSummary => ({
  id,
  name,
  createdAt: Date.UTC(2026, 0, 5),
  origin: 'trained',
  objective: 'binary:logistic',
  symbol: 'ACME',
  featureSetHash: 'ab'.repeat(32),
  featureNames: ['return_1', 'rsi_14', 'atr_14'],
  trainFrom: Date.UTC(2020, 0, 2),
  trainTo: Date.UTC(2022, 11, 30),
  trees: 100,
  meanAuc: 0.56,
  status: 'ready',
  error: null,
  ...patch,
});

const fold = (n: number, auc: number) => ({
  fold: n,
  trainFrom: Date.UTC(2020, 0, 2),
  trainTo: Date.UTC(2020, 0, 2) + n * 100 * DAY,
  testFrom: Date.UTC(2020, 0, 2) + (n * 100 + 5) * DAY,
  testTo: Date.UTC(2020, 0, 2) + (n * 100 + 100) * DAY,
  trainRows: n * 100,
  testRows: 95,
  auc,
  logLoss: 0.69 - (auc - 0.5),
  accuracy: 0.52,
  precision: 0.55,
  recall: 0.6,
  threshold: 0.5,
  rmse: null,
  rounds: 100,
});

const detailOf = (s: ModelSummary, patch: Partial<ModelDetail> = {}): ModelDetail => ({
  ...s,
  featureSet: { version: 1, features: [{ kind: 'return', lag: 1 }], symbols: [], timeframes: [] },
  label: { kind: 'forward-return', horizon: 5, threshold: 0.001 },
  params: {
    objective: 'binary:logistic',
    rounds: 100,
    maxDepth: 6,
    eta: 0.3,
    lambda: 1,
    alpha: 0,
    minChildWeight: 1,
    gamma: 0,
    subsample: 1,
    colsample: 1,
    maxBin: 256,
    earlyStoppingRounds: 0,
    seed: 0,
  },
  folds: [fold(1, 0.55), fold(2, 0.57)],
  // rsi has the most gain, atr the most cover: the toggle reorders the bars.
  importance: [
    { feature: 'return_1', gain: 20, cover: 30, splits: 12 },
    { feature: 'rsi_14', gain: 50, cover: 10, splits: 20 },
    { feature: 'atr_14', gain: 30, cover: 60, splits: 8 },
  ],
  calibration: [
    { from: 0, to: 0.5, rows: 80, meanPrediction: 0.4, observedRate: 0.42 },
    { from: 0.5, to: 1, rows: 60, meanPrediction: 0.62, observedRate: 0.58 },
  ],
  ...patch,
});

interface Setup {
  readonly models?: ModelSummary[];
  readonly details?: Record<string, ModelDetail>;
  readonly trainAnswer?: () => ApiResult<unknown>;
  readonly handlers?: Partial<Record<CallName, FakeHandler>>;
}

async function renderView(setup: Setup = {}) {
  const models = [...(setup.models ?? [])];
  const details = { ...(setup.details ?? {}) };
  const handlers: Partial<Record<CallName, FakeHandler>> = {
    'strategy:list': () => [],
    'backtest:options': () => OPTIONS,
    'backtest:list': () => [],
    'session:list': () => [],
    'ml:list': () => [...models],
    'ml:get': (arg) => {
      const found = details[(arg as { id: string }).id];
      if (!found) throw new Error('no such model');
      return found;
    },
    'ml:cancel': () => ({ canceled: true }),
    'ml:delete': (arg) => {
      const at = models.findIndex((m) => m.id === (arg as { id: string }).id);
      if (at >= 0) models.splice(at, 1);
      return { deleted: true };
    },
    ...setup.handlers,
  };
  const fake = fakeApi(handlers);
  const call = fake.api.call.bind(fake.api);
  fake.api.call = ((name: CallName, arg: never) => {
    if (name !== 'ml:train') return call(name, arg);
    fake.calls.push({ name, arg });
    return Promise.resolve(setup.trainAnswer?.() ?? { ok: true, value: { id: 'md-new' } });
  }) as typeof fake.api.call;
  const stores = createAppStores(fake.api);
  const off = stores.models.connect();
  render(
    <AppStoresProvider stores={stores}>
      <ModelsView />
    </AppStoresProvider>,
  );
  await act(flush);
  await act(flush);
  return { ...fake, stores, off, models, details };
}

const trainCalls = (calls: { name: CallName; arg: unknown }[]) =>
  calls.filter((c) => c.name === 'ml:train').map((c) => (c.arg as { request: TrainRequestInput }).request);
const change = (element: HTMLElement, value: string) => fireEvent.change(element, { target: { value } });
const button = (name: string | RegExp) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('the train form sends the request the user means', () => {
  test('the defaults: synthetic ACME bars, ten features, a 5-bar forward-return label, 5 expanding folds', async () => {
    const { calls } = await renderView();
    await act(async () => {
      fireEvent.click(button('Train'));
      await flush();
    });
    const [request] = trainCalls(calls);
    expect(request).toMatchObject({
      symbol: 'ACME',
      data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 756, seed: 42 },
      label: { kind: 'forward-return', horizon: 5, threshold: 0.001 },
      folds: 5,
      mode: 'expanding',
      threshold: 0.5,
    });
    expect(request?.featureSet.features.map((f) => f.kind)).toEqual([
      'return',
      'return',
      'volatility',
      'rsi',
      'macd',
      'atr',
      'volume-z',
      'ma-distance',
      'time-of-day',
      'day-of-week',
    ]);
    expect(request?.featureSet.features[4]).toEqual({ kind: 'macd', fast: 12, slow: 26, signal: 9 });
  });

  test('edits reach the request: a feature added and renamed, a triple-barrier label, booster depth, 3 rolling folds', async () => {
    const { calls } = await renderView();
    const form = screen.getByRole('region', { name: 'Train a model' });
    fireEvent.click(within(form).getByRole('button', { name: 'Add feature' }));
    change(within(form).getByLabelText('Feature 11 kind'), 'rsi');
    change(within(form).getByLabelText('Feature 11 period'), '7');
    change(within(form).getByLabelText('Feature 11 column name'), 'rsi_fast');
    fireEvent.click(within(form).getByLabelText('Remove feature 1'));
    fireEvent.click(within(form).getByRole('radio', { name: 'Triple barrier' }));
    change(within(form).getByLabelText(/^Target/), '0.03');
    change(within(form).getByLabelText('Max depth'), '4');
    change(within(form).getByLabelText('Folds'), '3');
    change(within(form).getByLabelText('Training window'), 'rolling');
    change(within(form).getByLabelText('Other symbols'), 'bolt');
    await act(async () => {
      fireEvent.click(button('Train'));
      await flush();
    });
    const [request] = trainCalls(calls);
    expect(request?.featureSet.features).toHaveLength(10);
    expect(request?.featureSet.features[0]).toEqual({ kind: 'return', lag: 5 });
    expect(request?.featureSet.features[9]).toEqual({ kind: 'rsi', period: 7, name: 'rsi_fast' });
    expect(request?.featureSet.symbols).toEqual(['BOLT']);
    expect(request?.label).toEqual({ kind: 'triple-barrier', horizon: 10, target: 0.03, stop: 0.01 });
    expect(request?.params).toMatchObject({ maxDepth: 4 });
    expect(request).toMatchObject({ folds: 3, mode: 'rolling' });
  });

  test('a feature row out of bounds is marked on its row and keeps Train greyed out, saying why', async () => {
    const { calls } = await renderView();
    const form = screen.getByRole('region', { name: 'Train a model' });
    change(within(form).getByLabelText('Feature 4 period'), '0');
    const rows = within(form).getByRole('list', { name: 'Features' });
    expect(within(rows).getByText('Feature 4 (RSI) period: must be at least 1')).toBeTruthy();
    expect(button('Train').disabled).toBe(true);
    expect(screen.getByTestId('submit-reason').textContent).toBe(
      'Feature 4 (RSI) period: must be at least 1',
    );
    fireEvent.click(button('Train'));
    expect(trainCalls(calls)).toEqual([]);
  });

  test('main refusing a feature shows its words on that row, and the refusal above the button', async () => {
    await renderView({
      trainAnswer: () => ({
        ok: false,
        error: {
          code: 'bad-request',
          message: 'ACME has 756 bars; the volatility window needs fewer',
          fields: [{ path: 'request.featureSet.features.2.window', message: 'is longer than the data' }],
        },
      }),
    });
    await act(async () => {
      fireEvent.click(button('Train'));
      await flush();
    });
    expect(screen.getByTestId('train-error').textContent).toBe(
      'ACME has 756 bars; the volatility window needs fewer',
    );
    const rows = screen.getByRole('list', { name: 'Features' });
    expect(within(rows).getAllByRole('listitem')[2]!.textContent).toContain(
      'Feature 3: is longer than the data',
    );
    // Main's refusal does not grey the button out: the user may fix the data instead.
    expect(button('Train').disabled).toBe(false);
  });
});

describe('a training run and its results', () => {
  test('progress from ml-progress with Cancel, then the finished model’s folds, importance and calibration', async () => {
    const training = summary('md-new', 'ACME model', { status: 'training', trees: 0, meanAuc: null });
    const setup = await renderView({
      details: { 'md-new': detailOf(training, { folds: [], importance: [], calibration: [] }) },
    });
    setup.models.push(training);
    await act(async () => {
      fireEvent.click(button('Train'));
      await flush();
      await flush();
    });
    // The new model opens at once, training.
    expect(screen.getByTestId('training-progress').textContent).toContain('ACME model');
    act(() => setup.emit('ml-progress', [{ trainingId: 'md-new', stage: 'folds', done: 30, total: 120 }]));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('30');
    expect(screen.getByTestId('training-progress').textContent).toContain('folds — 30 of 120 trees (25%)');
    const list = screen.getByRole('table', { name: 'Models' });
    expect(within(list).getByText('training 25%')).toBeTruthy();

    await act(async () => {
      fireEvent.click(
        within(screen.getByTestId('training-progress')).getByRole('button', { name: 'Cancel' }),
      );
      await flush();
    });
    expect(setup.calls.filter((c) => c.name === 'ml:cancel').map((c) => c.arg)).toEqual([{ id: 'md-new' }]);

    // It finishes after all: the list and the open model refresh.
    const ready = summary('md-new', 'ACME model');
    setup.models.splice(0, 1, ready);
    setup.details['md-new'] = detailOf(ready);
    await act(async () => {
      setup.emit('ml-progress', [{ trainingId: 'md-new', stage: 'done', done: 120, total: 120 }]);
      await flush();
      await flush();
    });
    expect(screen.getByTestId('model-results')).toBeTruthy();
    const folds = screen.getByRole('table', { name: 'Fold metrics' });
    expect(within(folds).getByText('0.5500')).toBeTruthy();
    expect(within(folds).getByText('0.5700')).toBeTruthy();
    // Mean AUC of the folds.
    expect(screen.getByTestId('model-results').querySelector('.md-facts')?.textContent).toContain(
      'Mean AUC0.5600',
    );
    const chart = screen.getByTestId('importance-chart');
    const order = () =>
      [...chart.querySelectorAll('g[data-feature]')].map((g) => g.getAttribute('data-feature'));
    expect(order()).toEqual(['rsi_14', 'atr_14', 'return_1']);
    expect(chart.textContent).toContain('50.0%');
    fireEvent.click(within(chart).getByRole('button', { name: 'Cover' }));
    expect(order()).toEqual(['atr_14', 'return_1', 'rsi_14']);
    const calibration = screen.getByTestId('calibration-plot');
    expect(calibration.querySelectorAll('circle')).toHaveLength(2);
    expect(calibration.querySelector('svg')?.getAttribute('aria-label')).toContain('2 bins');
  });

  test('a failed training says why in the model’s place', async () => {
    const failed = summary('md-bad', 'Leaky', {
      status: 'failed',
      error: 'look-ahead check failed: feature leak_next changed on bar 40 when later bars moved',
    });
    await renderView({ models: [failed], details: { 'md-bad': detailOf(failed) } });
    await act(async () => {
      fireEvent.click(screen.getByText('Leaky'));
      await flush();
    });
    expect(screen.getByTestId('model-status').textContent).toBe(
      'Leaky: training failed — look-ahead check failed: feature leak_next changed on bar 40 when later bars moved',
    );
  });

  test('two models side by side: the better fold averages marked, the settings that differ listed', async () => {
    const a = summary('md-a', 'Deep');
    const b = summary('md-b', 'Shallow', { createdAt: Date.UTC(2026, 0, 6) });
    const details = {
      'md-a': detailOf(a),
      'md-b': detailOf(b, {
        folds: [fold(1, 0.51), fold(2, 0.53)],
        params: { ...detailOf(b).params!, maxDepth: 3 },
      }),
    };
    await renderView({ models: [a, b], details });
    await act(async () => {
      fireEvent.click(screen.getByText('Deep'));
      await flush();
    });
    await act(async () => {
      change(screen.getByLabelText('Compare with'), 'md-b');
      await flush();
    });
    const table = screen.getByRole('table', { name: 'Deep against Shallow' });
    const row = (label: string) => within(table).getByRole('rowheader', { name: label }).closest('tr')!;
    const cells = (label: string) => [...row(label).querySelectorAll('td')].map((td) => td.textContent);
    expect(cells('Mean AUC')).toEqual(['0.5600', '0.5200']);
    expect(row('Mean AUC').querySelector('td.md-better')?.textContent).toBe('0.5600');
    expect(row('Mean log loss').querySelector('td.md-better')?.textContent).toBe('0.6300');
    expect(cells('maxDepth')).toEqual(['6', '3']);
    expect(within(table).queryByRole('rowheader', { name: 'eta' })).toBeNull();
    // Neither classifier has an RMSE: no row of dashes.
    expect(within(table).queryByRole('rowheader', { name: 'Mean RMSE' })).toBeNull();
  });
});

test('predictions over price: the ML signal’s backtest is picked, its bars fetched and the model’s predictions laid on them', async () => {
  const a = summary('md-a', 'Deep');
  const run = {
    id: 'bt-ml',
    note: '',
    tags: [],
    pinned: false,
    name: 'ml-signal on ACME (1D)',
    status: 'done',
    createdAt: 5,
    finishedAt: 6,
    durationMs: 1,
    data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 4, seed: 42 },
    strategyId: 'ml-signal',
    metrics: null,
    benchmarkMetrics: null,
    error: null,
  };
  const time = new Float64Array([DAY, 2 * DAY, 3 * DAY, 4 * DAY]);
  const ones = new Float64Array([1, 1, 1, 1]);
  const { calls } = await renderView({
    models: [a],
    details: { 'md-a': detailOf(a, { trainFrom: DAY, trainTo: 3 * DAY }) },
    handlers: {
      'backtest:list': () => [run],
      'backtest:bars': () => ({
        symbol: 'ACME',
        timeframe: '1D',
        start: 0,
        total: 4,
        length: 4,
        time,
        open: ones,
        high: ones,
        low: ones,
        close: ones,
        volume: ones,
        indicators: [],
      }),
      'ml:predictions': () => ({ modelId: 'md-a', time: [2 * DAY, 4 * DAY], prediction: [0.7, 0.3] }),
    },
  });
  await act(async () => {
    fireEvent.click(screen.getByText('Deep'));
    await flush();
    await flush();
  });
  const panel = screen.getByRole('region', { name: 'Predictions over price' });
  expect(within(panel).getByTestId('prediction-count').textContent).toBe('2 predictions on 4 bars');
  expect(within(panel).getByTestId('candle-chart').textContent).toBe('2 predictions drawn');
  // The model learned from days 1–3 (its training span): three of the run's four bars are in-sample.
  expect(within(panel).getByTestId('in-sample-warning').textContent).toMatch(/^3 of 4 bars fall inside/);
  expect(calls.filter((c) => c.name === 'ml:predictions').map((c) => c.arg)).toEqual([
    { id: 'md-a', runId: 'bt-ml' },
  ]);
  expect(calls.filter((c) => c.name === 'backtest:bars').map((c) => c.arg)).toEqual([
    { runId: 'bt-ml', symbol: 'ACME', maxBars: 20_000 },
  ]);
});

test('“Use in a session” opens the New session form with the ML signal trading the model', async () => {
  const a = summary('md-a', 'Deep');
  const { stores } = await renderView({ models: [a], details: { 'md-a': detailOf(a) } });
  await act(async () => {
    fireEvent.click(screen.getByText('Deep'));
    await flush();
  });
  fireEvent.click(button('Use in a session'));
  expect(stores.workspace.getState().view).toBe('sessions');
  expect(stores.workspace.getState().sessionDraft).toEqual({
    strategy: { id: 'ml-signal', params: { modelId: 'md-a' } },
    symbols: ['ACME'],
  });
});

describe('importing a model XGBoost saved', () => {
  test('the file’s text goes to ml:import under the name given, and the model opens', async () => {
    const imported = summary('md-xgb', 'from python', { origin: 'xgboost', featureSetHash: null });
    const setup = await renderView({
      details: { 'md-xgb': detailOf(imported, { folds: [], calibration: [] }) },
      handlers: {
        'ml:import': () => {
          setup.models.push(imported);
          return imported;
        },
      },
    });
    fireEvent.click(button('Import XGBoost model…'));
    const file = new File(['{"learner":{}}'], 'model.json', { type: 'application/json' });
    fireEvent.change(screen.getByLabelText('XGBoost model file'), { target: { files: [file] } });
    expect((screen.getByLabelText('Model name') as HTMLInputElement).value).toBe('model');
    change(screen.getByLabelText('Model name'), 'from python');
    await act(async () => {
      fireEvent.click(button('Import'));
      await flush();
      await flush();
      await flush();
    });
    expect(setup.calls.filter((c) => c.name === 'ml:import').map((c) => c.arg)).toEqual([
      { name: 'from python', json: '{"learner":{}}' },
    ]);
    expect(screen.getByTestId('model-results').textContent).toContain('imported from XGBoost');
  });

  test('a refused file shows main’s words', async () => {
    await renderView({
      handlers: {
        'ml:import': () => {
          throw new Error('model.json: multi-class models (num_class 3) are not supported');
        },
      },
    });
    fireEvent.click(button('Import XGBoost model…'));
    const file = new File(['{}'], 'model.json');
    fireEvent.change(screen.getByLabelText('XGBoost model file'), { target: { files: [file] } });
    await act(async () => {
      fireEvent.click(button('Import'));
      await flush();
      await flush();
    });
    expect(screen.getByTestId('import-error').textContent).toBe(
      'model.json: multi-class models (num_class 3) are not supported',
    );
  });
});
