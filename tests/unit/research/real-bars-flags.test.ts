import { describe, expect, it } from 'vitest';
import { buildConfig, parseVolSource } from '../../../src/main/research/backtest-flags';
import { ConfigError } from '../../../src/main/strategies/config-error';

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

describe("the backtest CLI's Alpaca price and volatility flags", () => {
  it('--option-prices model|alpaca (absent: the model) and the Alpaca volatility forms', () => {
    expect(
      buildConfig([...PHASE4D, '--vol-source', 'alpaca-vixy', '--option-prices', 'Alpaca']).options,
    ).toEqual({ preset: '2k', volSource: { kind: 'alpaca-vixy' }, optionPrices: 'alpaca' });
    expect(buildConfig([...PHASE4D, '--vol-source', 'csv:v.csv']).options?.optionPrices).toBeUndefined();
    expect(parseVolSource(' alpaca-index ')).toEqual({ kind: 'alpaca-index' });
  });

  it('refuses a price source that is not one, and the flag outside phase4d, naming it', () => {
    expect(refusal([...PHASE4D, '--vol-source', 'csv:v.csv', '--option-prices', 'opra'])).toMatchObject({
      field: '--option-prices',
      detail:
        "'opra' is not a price source; the sources are model (the pricing model) and alpaca (Alpaca's option bars, the model where there are none)",
    });
    expect(refusal(['--data', 'a.csv', '--option-prices', 'alpaca'])).toMatchObject({
      field: '--option-prices',
      detail: 'only with --strategy phase4d (the strategy is sma-crossover)',
    });
    expect(refusal([...PHASE4D, '--vol-source', 'alpaca-vix']).detail).toBe(
      "'alpaca-vix' is not supported; the supported forms are csv:<file> (a CBOE VIX_History.csv), alpaca-vixy (VIXY from Alpaca as an approximation of VIX) or alpaca-index (the VIX index from Alpaca, where the account has index data)",
    );
  });
});
