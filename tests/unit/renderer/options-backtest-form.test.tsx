// @vitest-environment happy-dom
// The Phase 4D part of the Backtests form: the request it sends (checked by the contract's own schema), the cash
// following the preset until the trader types one, and the message naming the field that keeps Run from running.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { OptionsRunFields } from '../../../src/renderer/src/views/backtests/options/OptionsRunFields';
import {
  DEFAULT_OPTIONS_CHOICE,
  type OptionsRunChoice,
  optionsFieldErrors,
  optionsRequest,
  optionsRunProblem,
  withPreset,
} from '../../../src/renderer/src/views/backtests/options/options-form-model';
import { optionsBacktestRequestSchema } from '../../../src/shared/domain/options-backtest';

afterEach(cleanup);

const ready: OptionsRunChoice = {
  ...DEFAULT_OPTIONS_CHOICE,
  spyPath: ' /data/SPY_5m.csv ',
  vixPath: '/data/VIX_History.csv',
};

describe('the Phase 4D request', () => {
  test('paths trimmed, the VIX file or synthetic VIX, the cash and the params; the contract accepts it', () => {
    const request = optionsRequest(ready);
    expect(request).toEqual({
      preset: '2k',
      underlying: { path: '/data/SPY_5m.csv' },
      volatility: { source: 'csv', path: '/data/VIX_History.csv' },
      cash: 2_000,
      params: {},
    });
    expect(optionsBacktestRequestSchema.safeParse(request).success).toBe(true);
    expect(optionsRequest({ ...ready, volSource: 'synthetic' }).volatility).toEqual({ source: 'synthetic' });
  });

  test('the cash follows the preset (2,000 / 25,000) until the trader types their own', () => {
    expect(withPreset(ready, '25k').cash).toBe(25_000);
    expect(withPreset(withPreset(ready, '25k'), '2k').cash).toBe(2_000);
    expect(withPreset({ ...ready, cash: 5_000, cashEdited: true }, '25k').cash).toBe(5_000);
  });
});

describe('why Run is not possible yet, naming the field', () => {
  test.each([
    [{ spyPath: '' }, 'SPY bars file: give the path of a CSV of SPY intraday bars.'],
    [{ spyPath: 'SPY_5m.csv' }, 'SPY bars file: give the full path (starting with / or a drive letter).'],
    [{ vixPath: '' }, 'VIX history file: give the path of VIX_History.csv, or pick synthetic VIX.'],
    [{ vixPath: 'vix.csv' }, 'VIX history file: give the full path (starting with / or a drive letter).'],
    [{ paramsValid: false }, 'Strategy parameters: fix the marked field.'],
    [{ cash: 0, cashEdited: true }, 'Starting cash: starting cash must be above 0'],
    [{ cash: Number.NaN, cashEdited: true }, 'Starting cash: give an amount'],
  ] as const)('%o → %s', (patch, problem) => {
    expect(optionsRunProblem({ ...ready, ...patch })).toBe(problem);
  });

  test('synthetic VIX needs no VIX file; a ready form has no problem', () => {
    expect(optionsRunProblem({ ...ready, vixPath: '', volSource: 'synthetic' })).toBeNull();
    expect(optionsRunProblem(ready)).toBeNull();
  });
});

function Harness({ initial }: { readonly initial: OptionsRunChoice }) {
  const [choice, setChoice] = useState(initial);
  return (
    <>
      <OptionsRunFields choice={choice} info={undefined} onChange={setChoice} serverErrors={{}} />
      <output data-testid="cash">{choice.cash}</output>
    </>
  );
}

describe('the fields', () => {
  test('picking 25K sets 25,000 as the cash; a relative SPY path is named under the fields', () => {
    render(<Harness initial={DEFAULT_OPTIONS_CHOICE} />);
    fireEvent.change(screen.getByLabelText('Preset'), { target: { value: '25k' } });
    expect(screen.getByTestId('cash').textContent).toBe('25000');
    fireEvent.change(screen.getByRole('textbox', { name: /SPY bars file/ }), {
      target: { value: 'SPY.csv' },
    });
    expect(screen.getByTestId('options-problem').textContent).toBe(
      'SPY bars file: give the full path (starting with / or a drive letter).',
    );
    fireEvent.click(screen.getByRole('radio', { name: 'Synthetic VIX (realised volatility)' }));
    expect(screen.queryByRole('textbox', { name: 'VIX history file' })).toBeNull();
    expect(screen.getByText(/Not the real VIX/)).toBeTruthy();
  });

  test('main’s refusal shows under its field', () => {
    render(
      <OptionsRunFields
        choice={ready}
        info={undefined}
        onChange={() => {}}
        serverErrors={{ 'volatility.path': 'VIX_History.csv (CBOE VIX): no VIX close for 2025-01-13' }}
      />,
    );
    expect(screen.getByText(/no VIX close for 2025-01-13/)).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'VIX history file' }).getAttribute('aria-invalid')).toBe(
      'true',
    );
  });
});

describe('main’s refusal by field', () => {
  test('each problem under its full path, the first one per field kept', () => {
    expect(
      optionsFieldErrors([
        { path: 'volatility.path', message: 'no VIX close for 2025-01-13' },
        { path: 'params.profitTarget', message: 'must be above 0' },
        { path: 'volatility.path', message: 'a later one' },
      ]),
    ).toEqual({ 'volatility.path': 'no VIX close for 2025-01-13', 'params.profitTarget': 'must be above 0' });
  });
});
