import { describe, expect, it } from 'vitest';
import { parseVixHistory } from '../../../src/main/feeds/vix-history';
import { isoDate } from '../../../src/main/market/nyse-holidays';
import { buildConfig, parseVolSource } from '../../../src/main/research/backtest-flags';
import {
  checkVolatilityCoverage,
  volatilityDaysNeeded,
} from '../../../src/main/research/volatility-coverage';
import { ConfigError } from '../../../src/main/strategies/config-error';
import type { BarColumns } from '../../../src/shared/domain/bars';

const PHASE4D = ['--data', 'SPY_5m.csv', '--symbol', 'SPY', '--strategy', 'phase4d'];

function refusal(argv: string[]): ConfigError {
  try {
    buildConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('the options flags of the backtest CLI', () => {
  it('phase4d takes a preset (2k by default) and a csv volatility source', () => {
    expect(buildConfig([...PHASE4D, '--vol-source', 'csv:VIX_History.csv']).options).toEqual({
      preset: '2k',
      volSource: { kind: 'csv', path: 'VIX_History.csv' },
    });
    expect(buildConfig([...PHASE4D, '--preset', '25K', '--vol-source', 'csv:/d/v.csv']).options).toEqual({
      preset: '25k',
      volSource: { kind: 'csv', path: '/d/v.csv' },
    });
    expect(buildConfig(['--data', 'a.csv', '--strategy', 'sma-crossover']).options).toBeUndefined();
  });

  it("starts with the preset's account unless --cash says otherwise, as the app's forms do", () => {
    const vix = ['--vol-source', 'csv:v.csv'];
    expect(buildConfig([...PHASE4D, ...vix]).config.cash).toBe(2_000);
    expect(buildConfig([...PHASE4D, '--preset', '25k', ...vix]).config.cash).toBe(25_000);
    expect(buildConfig([...PHASE4D, '--preset', '25k', '--cash', '40000', ...vix]).config.cash).toBe(40_000);
    // An equity run keeps the default account.
    expect(buildConfig(['--data', 'a.csv', '--strategy', 'sma-crossover']).config.cash).toBe(100_000);
  });

  it('refuses each misuse naming its flag', () => {
    expect(refusal([...PHASE4D, '--preset', '3k', '--vol-source', 'csv:v.csv'])).toMatchObject({
      field: '--preset',
      message: "--preset: '3k' is not a preset; the presets are 2k, 25k",
    });
    expect(refusal(['--data', 'a.csv', '--preset', '2k']).field).toBe('--preset');
    expect(refusal(['--data', 'a.csv', '--preset', '2k']).detail).toContain('only with --strategy phase4d');
    expect(refusal(['--data', 'a.csv', '--vol-source', 'csv:v.csv']).field).toBe('--vol-source');
    expect(refusal(PHASE4D)).toMatchObject({ field: '--vol-source' });
    expect(refusal(PHASE4D).detail).toContain('--vol-source csv:<file>');
    expect(refusal([...PHASE4D, '--vol-source', 'alpaca']).message).toBe(
      "--vol-source: 'alpaca' is not supported; the supported forms are csv:<file> (a CBOE VIX_History.csv), alpaca-vixy (VIXY from Alpaca as an approximation of VIX) or alpaca-index (the VIX index from Alpaca, where the account has index data)",
    );
    expect(refusal([...PHASE4D, '--vol-source', 'csv:']).field).toBe('--vol-source');
    expect(refusal([...PHASE4D, '--vol-source', 'csv:v.csv', '--qty', '3']).field).toBe('--qty');
    expect(refusal([...PHASE4D, '--vol-source', 'csv:v.csv', '--commission', '1/order']).field).toBe(
      '--commission',
    );
    expect(refusal(['--strategy', 'phase4d', '--vol-source', 'csv:v.csv']).field).toBe('--data');
    // Without --symbol the file's name is the symbol, and SPY_5M roots no OCC symbol.
    expect(
      refusal(['--data', 'SPY_5m.csv', '--strategy', 'phase4d', '--vol-source', 'csv:v.csv']),
    ).toMatchObject({
      field: '--symbol',
      detail:
        "'SPY_5M' is not an option root (1–6 capital letters or digits); name the underlying, e.g. --symbol SPY",
    });
    expect(parseVolSource(' csv:a b.csv ')).toEqual({ kind: 'csv', path: 'a b.csv' });
  });
});

/** Bars at 15:00 UTC (10:00 New York in winter) on each ISO day. */
function barsOn(days: string[]): BarColumns {
  const time = Float64Array.from(days.map((d) => Date.parse(`${d}T15:00:00Z`)));
  const flat = new Float64Array(days.length).fill(500);
  return { time, open: flat, high: flat, low: flat, close: flat, volume: flat, length: days.length };
}

describe('the VIX coverage of an options backtest', () => {
  // Fri 2025-01-17, Tue 21st (Mon 20th is Martin Luther King Jr. Day), Wed 22nd, Thu 23rd.
  const bars = barsOn(['2025-01-17', '2025-01-17', '2025-01-21', '2025-01-22', '2025-01-23']);

  it('needs the session before each day of the data after the first (a holiday is skipped)', () => {
    expect(volatilityDaysNeeded(bars).map(isoDate)).toEqual(['2025-01-17', '2025-01-21', '2025-01-22']);
  });

  it('refuses a file that stops early, naming the first missing day', () => {
    const vix = parseVixHistory(
      'DATE,OPEN,HIGH,LOW,CLOSE\n01/16/2025,1,1,1,16\n01/17/2025,1,1,1,15.97\n01/21/2025,1,1,1,15.06\n',
      'VIX_History.csv',
    );
    expect(() => checkVolatilityCoverage(vix, bars, 'SPY_5m.csv')).toThrow(
      "VIX_History.csv (CBOE VIX): no VIX close for 2025-01-22; the data (SPY_5m.csv) needs every session's close from 2025-01-17 to 2025-01-22",
    );
    const full = parseVixHistory(
      'DATE,OPEN,HIGH,LOW,CLOSE\n01/17/2025,1,1,1,15.97\n01/21/2025,1,1,1,15.06\n01/22/2025,1,1,1,15.1\n',
      'VIX_History.csv',
    );
    expect(() => checkVolatilityCoverage(full, bars, 'SPY_5m.csv')).not.toThrow();
  });
});
