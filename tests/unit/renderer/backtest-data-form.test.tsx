// @vitest-environment happy-dom
// The Data part of the backtest form: synthetic market or a CSV file by its full path, what a run request gets from
// each, and the message that says why Run is not possible yet.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import {
  BacktestDataForm,
  type DataChoice,
  DEFAULT_DATA_CHOICE,
  dataProblem,
  dataRequest,
  symbolFromPath,
} from '../../../src/renderer/src/views/backtests/BacktestDataForm';
import { backtestDataSchema } from '../../../src/shared/domain/backtest';

afterEach(cleanup);

const csv = (patch: Partial<DataChoice> = {}): DataChoice => ({
  ...DEFAULT_DATA_CHOICE,
  source: 'csv',
  ...patch,
});

describe('the data a run request gets', () => {
  test('synthetic: the symbols, timeframe, bars and the default seed when none is typed', () => {
    const request = dataRequest({ ...DEFAULT_DATA_CHOICE, symbols: ['ACME', 'BOLT'], bars: 300 }, 42);

    expect(request).toEqual({
      source: 'synthetic',
      symbols: ['ACME', 'BOLT'],
      timeframe: '1D',
      bars: 300,
      seed: 42,
    });
    expect(backtestDataSchema.safeParse(request).success).toBe(true);
  });

  test('CSV: one file with the symbol from its name unless one is typed, the timeframe only when chosen', () => {
    const guessed = dataRequest(csv({ csvPath: ' /data/spy_daily.csv ' }), 1);
    expect(guessed).toEqual({
      source: 'csv',
      files: [{ path: '/data/spy_daily.csv', symbol: 'SPY', skipInvalid: false }],
    });
    expect(backtestDataSchema.safeParse(guessed).success).toBe(true);

    const typed = dataRequest(
      csv({ csvPath: 'C:\\bars\\x.csv', csvSymbol: 'QQQ', csvTimeframe: '5m', skipInvalid: true }),
      1,
    );
    expect(typed).toEqual({
      source: 'csv',
      files: [{ path: 'C:\\bars\\x.csv', symbol: 'QQQ', timeframe: '5m', skipInvalid: true }],
    });
    expect(backtestDataSchema.safeParse(typed).success).toBe(true);
  });

  test('symbolFromPath: the file name’s leading ticker, upper case', () => {
    expect(symbolFromPath('/a/b/aapl.csv')).toBe('AAPL');
    expect(symbolFromPath('C:\\data\\brk.b-1d.csv')).toBe('BRK.B-1D');
    expect(symbolFromPath('/a/2024-prices.csv')).toBe('');
  });
});

describe('Alpaca history as the data', () => {
  const alpaca = (patch: Partial<DataChoice> = {}): DataChoice => ({
    ...DEFAULT_DATA_CHOICE,
    source: 'alpaca',
    alpacaSymbols: 'aapl, msft aapl',
    alpacaFrom: '2024-01-02',
    alpacaTo: '2024-01-31',
    timeframe: '1h',
    ...patch,
  });

  test('the symbols as typed, the days as UTC epoch ms (the whole last day), the feed; valid for the API', () => {
    const request = dataRequest(alpaca({ alpacaFeed: 'sip' }), 1);
    expect(request).toEqual({
      source: 'alpaca',
      symbols: ['AAPL', 'MSFT'],
      timeframe: '1h',
      start: Date.UTC(2024, 0, 2),
      end: Date.UTC(2024, 1, 1) - 1,
      feed: 'sip',
    });
    expect(backtestDataSchema.safeParse(request).success).toBe(true);
    // No last day: up to Alpaca's latest bar.
    expect(dataRequest(alpaca({ alpacaTo: '' }), 1)).not.toHaveProperty('end');
  });

  test.each([
    [{ alpacaSymbols: ' , ' }, 'Give at least one symbol.'],
    [{ alpacaSymbols: 'AAPL, 9BAD' }, '9BAD is not a symbol.'],
    [{ alpacaFrom: '' }, 'Give the first day.'],
    [{ alpacaTo: '2023-12-31' }, 'The last day is before the first.'],
  ])('%o → %s', (patch, message) => {
    expect(dataProblem(alpaca(patch))).toBe(message);
  });

  test('the form offers it as a third source with symbols, days and the feed', () => {
    function Harness() {
      const [choice, setChoice] = useState<DataChoice>(DEFAULT_DATA_CHOICE);
      return (
        <BacktestDataForm choice={choice} syntheticSymbols={['ACME']} defaultSeed={1} onChange={setChoice} />
      );
    }
    render(<Harness />);
    act(() => {
      fireEvent.click(screen.getByRole('radio', { name: 'Alpaca history' }));
    });
    expect((screen.getByLabelText('Symbols') as HTMLInputElement).value).toBe('SPY');
    expect(screen.getByLabelText('First day (UTC)')).toBeTruthy();
    expect(screen.getByLabelText('Feed')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Give the first day.');
  });
});

describe('why Run is not possible yet', () => {
  test.each([
    [{ ...DEFAULT_DATA_CHOICE, symbols: [] }, 'Pick at least one symbol.'],
    [{ ...DEFAULT_DATA_CHOICE, bars: 20 }, 'Bars per symbol: must be at least 50.'],
    [csv(), 'Give the path of a CSV file.'],
    [csv({ csvPath: 'prices.csv' }), 'Give the full path of the file (starting with / or a drive letter).'],
  ] as const)('%o → %s', (choice, message) => {
    expect(dataProblem(choice)).toBe(message);
  });

  test('a file whose name is no ticker needs a symbol typed in', () => {
    expect(dataProblem(csv({ csvPath: '/a/2024-prices.csv' }))).toMatch(/^Symbol: /);
    expect(dataProblem(csv({ csvPath: '/a/2024-prices.csv', csvSymbol: 'SPY' }))).toBeNull();
  });
});

function Harness({ onChoice }: { onChoice: (choice: DataChoice) => void }) {
  const [choice, setChoice] = useState(DEFAULT_DATA_CHOICE);
  return (
    <BacktestDataForm
      choice={choice}
      syntheticSymbols={['ACME', 'BOLT']}
      defaultSeed={7}
      onChange={(next) => {
        setChoice(next);
        onChoice(next);
      }}
    />
  );
}

describe('BacktestDataForm', () => {
  test('choosing "CSV file" swaps the synthetic fields for a path, a symbol, a timeframe and skip-bad-rows', () => {
    let last = DEFAULT_DATA_CHOICE;
    render(<Harness onChoice={(c) => (last = c)} />);
    expect(screen.getByLabelText('Bars per symbol')).toBeTruthy();

    act(() => screen.getByRole('radio', { name: 'CSV file' }).click());

    expect(screen.queryByLabelText('Bars per symbol')).toBeNull();
    const path = screen.getByLabelText('File path') as HTMLInputElement;
    fireEvent.change(path, { target: { value: 'msft.csv' } });
    expect(screen.getByRole('status').textContent).toMatch(/full path/);
    expect(path.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(path, { target: { value: '/data/msft.csv' } });
    expect(screen.queryByRole('status')).toBeNull();
    expect((screen.getByLabelText('Symbol') as HTMLInputElement).placeholder).toBe('MSFT');
    fireEvent.change(screen.getByLabelText('Timeframe'), { target: { value: '1h' } });
    act(() => screen.getByRole('checkbox', { name: /Skip bad rows/ }).click());

    expect(last).toMatchObject({
      source: 'csv',
      csvPath: '/data/msft.csv',
      csvTimeframe: '1h',
      skipInvalid: true,
    });
    expect(dataRequest(last, 7)).toEqual({
      source: 'csv',
      files: [{ path: '/data/msft.csv', symbol: 'MSFT', timeframe: '1h', skipInvalid: true }],
    });
  });

  test('the symbol is typed in capitals', () => {
    let last = DEFAULT_DATA_CHOICE;
    render(<Harness onChoice={(c) => (last = c)} />);
    act(() => screen.getByRole('radio', { name: 'CSV file' }).click());

    fireEvent.change(screen.getByLabelText('Symbol'), { target: { value: 'spy' } });

    expect(last.csvSymbol).toBe('SPY');
  });
});
