// @vitest-environment happy-dom
// The new-session form says why it cannot be sent: a greyed-out button carries its reason, inputs carry limits that
// agree with their defaults, a rule across fields (fast below slow) is shown beside the field as the user types, from
// the strategy's own schema in main, and main's refusal of a save lands beside the field it names.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { strategyParamProblems } from '../../../src/main/strategies/market-builder';
import { ConfigError, configFailure } from '../../../src/main/strategies/run-config';
import { AppStoresProvider } from '../../../src/renderer/src/stores/context';
import { createAppStores } from '../../../src/renderer/src/stores/index';
import { NewSessionForm } from '../../../src/renderer/src/views/sessions/NewSessionForm';
import { AlpacaKeysSection } from '../../../src/renderer/src/views/settings/AlpacaKeysSection';
import type { CallName } from '../../../src/shared/api/names';
import type { ApiResult } from '../../../src/shared/api/result';
import type { BacktestOptionsInfo, StrategyInfo } from '../../../src/shared/domain/backtest';
import { type FakeHandler, fakeApi, flush } from './fake-api';

afterEach(cleanup);

const STRATEGIES: StrategyInfo[] = [
  {
    id: 'sma-crossover',
    name: 'SMA crossover',
    description: 'Long when the fast average crosses above the slow one.',
    paramsSchema: {
      type: 'object',
      properties: {
        fast: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
        slow: { type: 'integer', minimum: 2, maximum: 1000, default: 30 },
      },
    },
    defaults: { fast: 5, slow: 30 },
    indicators: [],
  },
];

const OPTIONS: BacktestOptionsInfo = {
  riskSchema: {
    type: 'object',
    properties: { stopLoss: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.05 } },
  },
  venueSchema: { type: 'object', properties: {} },
  syntheticSymbols: ['ACME', 'BOLT'],
  defaultSeed: 42,
};

/** The form with a fake api; strategy:check answers with main's own strategy schemas. */
async function renderForm(createAnswer?: () => ApiResult<unknown>) {
  const handlers: Partial<Record<CallName, FakeHandler>> = {
    'strategy:list': () => STRATEGIES,
    'backtest:options': () => OPTIONS,
    'session:list': () => [],
    'strategy:check': (arg) => {
      const { id, params } = arg as { id: string; params: Record<string, unknown> };
      return { problems: strategyParamProblems(id, params) };
    },
    'session:create': (arg) => ({ id: 's-new', name: (arg as { name: string }).name, config: {} }),
  };
  const fake = fakeApi(handlers);
  if (createAnswer) {
    const call = fake.api.call.bind(fake.api);
    fake.api.call = ((name: CallName, arg: never) =>
      name === 'session:create' ? Promise.resolve(createAnswer()) : call(name, arg)) as typeof fake.api.call;
  }
  const stores = createAppStores(fake.api);
  await stores.sessions.getState().load();
  render(
    <AppStoresProvider stores={stores}>
      <NewSessionForm />
    </AppStoresProvider>,
  );
  await act(flush);
  return fake;
}

const wait = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));
const createButton = () => screen.getByRole('button', { name: 'Create' }) as HTMLButtonElement;

describe('the new-session form says why it cannot be sent', () => {
  test('the defaults (Speed 120, Starting cash 100000) pass their inputs’ own min/max/step validity', async () => {
    await renderForm();

    for (const label of ['Speed', 'Starting cash']) {
      const input = screen.getByLabelText(label) as HTMLInputElement;
      // The browser's rule (happy-dom does not apply it): a value is valid when (value − min) is a multiple of step.
      const value = Number(input.value);
      const base = input.min === '' ? 0 : Number(input.min);
      const onStep = input.step === 'any' || (value - base) % Number(input.step || 1) === 0;
      expect(onStep, `${label} ${value} with min ${input.min} step ${input.step}`).toBe(true);
      expect(input.min === '' || value >= Number(input.min), label).toBe(true);
      expect(input.max === '' || value <= Number(input.max), label).toBe(true);
    }
  });

  test('with no name, Create is grey and says "Name the session" beside it and as its tooltip', async () => {
    await renderForm();

    expect(createButton().disabled).toBe(true);
    expect(createButton().title).toBe('Name the session');
    expect(screen.getByTestId('submit-reason').textContent).toBe('Name the session');

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'SMA' } });
    expect(createButton().disabled).toBe(false);
    expect(screen.queryByTestId('submit-reason')).toBeNull();

    // After Create the name is cleared for the next session, and the button says so rather than greying silently.
    fireEvent.click(createButton());
    await act(flush);
    expect(createButton().disabled).toBe(true);
    expect(screen.getByTestId('submit-reason').textContent).toBe('Name the session');
  });

  test('a negative starting cash is named beside the field and beside Create', async () => {
    await renderForm();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'SMA' } });

    fireEvent.change(screen.getByLabelText('Starting cash'), { target: { value: '-5' } });

    expect(screen.getByLabelText('Starting cash').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText('Starting cash: must be greater than 0')).toHaveLength(2);
    expect(createButton().title).toBe('Starting cash: must be greater than 0');
  });

  test('fast ≥ slow is shown beside Fast period as the user types, from the strategy’s own schema', async () => {
    await renderForm();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'SMA' } });

    fireEvent.change(screen.getByLabelText(/^Fast period/), { target: { value: '40' } });
    await wait(300);

    const fast = screen.getByLabelText(/^Fast period/);
    expect(fast.getAttribute('aria-invalid')).toBe('true');
    const message = document.getElementById(fast.getAttribute('aria-describedby')!.split(' ').pop()!);
    expect(message?.textContent).toBe('must be less than the slow period (30)');
    expect(createButton().disabled).toBe(true);
    expect(createButton().title).toBe('Fast period: must be less than the slow period (30)');

    fireEvent.change(fast, { target: { value: '10' } });
    await wait(300);
    expect(fast.getAttribute('aria-invalid')).toBe('false');
    expect(createButton().disabled).toBe(false);
  });

  test('main’s refusal of a save is placed beside the field it names, labelled, never as `session:create: …`', async () => {
    const refusal = configFailure(new ConfigError('feed.speed', 'must be at most 1000000000'));
    await renderForm(() => ({
      ok: false,
      error: { code: 'bad-request', message: refusal.message, fields: refusal.fields! },
    }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'SMA' } });

    fireEvent.click(createButton());
    await act(flush);

    expect(screen.getByTestId('session-create-error').textContent).toBe('Speed: must be at most 1000000000');
    const speedRow = screen.getByLabelText('Speed').closest('.form-row') as HTMLElement;
    expect(within(speedRow).getByRole('alert').textContent).toBe('Speed: must be at most 1000000000');
  });
});

describe('Settings → Alpaca keys say what is wrong as the user types', () => {
  test('a live key id is named beside the field, and Save says why it is grey', async () => {
    const { api } = fakeApi({
      'credentials:status': () => ({ present: false, keyIdHint: null, paper: true, accountStatus: null }),
    });
    render(<AlpacaKeysSection api={api} />);
    await act(flush);
    const save = screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement;
    expect(save.title).toMatch(/^API key id: /);

    fireEvent.change(screen.getByLabelText('API key id'), { target: { value: 'AKABCDEFGHIJKLMNOP' } });

    expect(screen.getByLabelText('API key id').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText(/^API key id: this is a live-trading key/).length).toBeGreaterThan(0);
    expect(save.disabled).toBe(true);
  });
});
