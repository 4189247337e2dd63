// The backtest CLI's flags and config file → a validated config, and the data it names: shared by `npm run backtest`
// (cli.ts) and `npm run research` (research-cli.ts), which takes every backtest flag the same way.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { backtestCsvFileSchema } from '../../shared/domain/backtest';
import { type BarSeries, TIMEFRAMES } from '../../shared/domain/bars';
import {
  DEFAULT_PROFILES,
  DEFAULT_SEED,
  DEFAULT_START,
  DEFAULT_SYMBOLS,
  generateMarket,
} from '../feeds/synthetic';
import { BacktestConfigSchema, ConfigError, configErrorOf } from '../strategies/run-config';
import { type CsvLoadReport, loadCsvBars } from './backtest-job';

export const USAGE = `usage: npm run backtest -- [options]
  --config <file.json>     settings (flags below override them)
  --data <file.csv>        bars to trade (repeat for several symbols); none: the built-in synthetic market
  --symbol <SYMBOL>        the symbol of each --data file, in order; without --data, synthetic symbols
  --timeframe <tf>         1m 5m 15m 1h 1D (CSV: instead of inferring; synthetic: default 1D)
  --bars <n>               synthetic bars per symbol (default 756)
  --strategy <id>          default sma-crossover
  --param <name=value>     strategy parameter (repeat), e.g. --param fast=10 --param slow=30
  --qty <n>                fixed quantity per entry (instead of risk-based sizing)
  --cash <amount>          starting cash (default 100000; phase4d: the preset's account, 2000 or 25000)
  --fill next-open|same-close
  --commission <spec>      0.005 (per share), 0.005/share, 1/order or 0.1%
  --slippage-bps <bps>
  --no-risk                size intents only: no stops, targets or risk limits
  --account cash|margin    the simulated broker's account (default cash: buys need the cash, no short
                           sales; margin: 2x equity buying power)
  --seed <n>               seeds the venue's random rejections
  --skip-invalid           skip (and count) bad CSV rows instead of stopping
  --cache-dir <dir>        where parsed CSV columns are kept for the next run
                           (default $XDG_CACHE_HOME/marketboss/bars, else ~/.cache/marketboss/bars)
  --no-cache               parse the CSV files and keep nothing
  --out <dir>              write fills.csv, trades.csv, equity.csv, report.json there
  --write <files>          only these of them, e.g. --write report,trades (fills, trades, equity, report)
  --report html            also write tearsheet.html to --out: metrics beside buy-and-hold, equity and
                           drawdown charts, monthly returns, trade statistics (one file, nothing external)
options (--strategy phase4d: Phase 4D SPY puts on synthetic option prices over the --data bars):
  --preset 2k|25k          contracts, loss limits, spread, slippage and commission (default 2k)
  --vol-source csv:<file>  required: daily VIX closes, a CBOE VIX_History.csv (DATE,OPEN,HIGH,LOW,CLOSE);
                           it must hold the close of every session before a day in the data;
                           alpaca-vixy: VIXY's daily bars from Alpaca as a labelled approximation of VIX
                           (VIX ≈ 20 × VIXY close ÷ its 20-session mean); alpaca-index: the VIX index's
                           values from Alpaca (accounts with index data)
  --option-prices model|alpaca
                           model (default): synthetic prices; alpaca: Alpaca's 1-minute option bars where they
                           exist (from February 2024), the model elsewhere, compared with the model run in
                           report.json and compare.csv. Alpaca needs keys: APCA_API_KEY_ID and
                           APCA_API_SECRET_KEY, else the keys MarketBoss saved in the OS keychain`;

/** The files --out can hold, in the order they are written. */
export const OUTPUT_FILES = ['fills', 'trades', 'equity', 'report'] as const;
export type OutputFile = (typeof OUTPUT_FILES)[number];

/** The Phase 4D presets the --preset flag names. */
import {
  OPTION_PRESET_IDS,
  type OptionPresetId,
  PRESET_ACCOUNT_SIZE,
} from '../../shared/domain/options-backtest';

/**
 * Where the options backtest's volatility comes from: a CBOE VIX file, VIXY's daily bars from Alpaca as a labelled
 * approximation of the VIX, or Alpaca's VIX index values (accounts with index data).
 */
export type VolSource =
  | { readonly kind: 'csv'; readonly path: string }
  | { readonly kind: 'alpaca-vixy' }
  | { readonly kind: 'alpaca-index' };

/** Where option prices come from: the pricing model, or Alpaca's real option bars with the model as fallback. */
export const OPTION_PRICES = ['model', 'alpaca'] as const;
export type OptionPrices = (typeof OPTION_PRICES)[number];

/** The options backtest's own flags (with --strategy phase4d). */
export interface OptionsRunFlags {
  readonly preset: OptionPresetId;
  readonly volSource: VolSource;
  /** Absent: the model. */
  readonly optionPrices?: OptionPrices;
}

/** The strategies that trade options through the options backtest instead of the equity engine. */
export const OPTION_STRATEGIES: readonly string[] = ['phase4d'];

const VOL_SOURCE_FORMS =
  'csv:<file> (a CBOE VIX_History.csv), alpaca-vixy (VIXY from Alpaca as an approximation of VIX) or alpaca-index (the VIX index from Alpaca, where the account has index data)';

export function parseVolSource(text: string): VolSource {
  const trimmed = text.trim();
  if (trimmed === 'alpaca-vixy' || trimmed === 'alpaca-index') return { kind: trimmed };
  const csv = /^csv:(.*)$/s.exec(trimmed);
  if (csv !== null && csv[1]!.trim() !== '') return { kind: 'csv', path: csv[1]!.trim() };
  if (csv !== null) throw new ConfigError('--vol-source', 'csv: needs a file, e.g. csv:VIX_History.csv');
  throw new ConfigError(
    '--vol-source',
    `'${text}' is not supported; the supported forms are ${VOL_SOURCE_FORMS}`,
  );
}

/** The equity backtest's flags that mean nothing to an options run: refused rather than silently ignored. */
const EQUITY_ONLY_FLAGS = ['qty', 'fill', 'commission', 'slippage-bps', 'no-risk', 'account'] as const;

/**
 * --preset and --vol-source belong to the options strategies, which need a volatility source and one underlying's
 * bars; each misuse is refused naming its flag.
 */
function optionsRunFlags(
  strategyId: string,
  values: Readonly<Record<string, unknown>>,
  csv: readonly { readonly symbol: string }[],
): OptionsRunFlags | undefined {
  const preset = values['preset'] as string | undefined;
  const volSource = values['vol-source'] as string | undefined;
  const optionPrices = values['option-prices'] as string | undefined;
  if (!OPTION_STRATEGIES.includes(strategyId)) {
    if (optionPrices !== undefined) {
      throw new ConfigError(
        '--option-prices',
        `only with --strategy phase4d (the strategy is ${strategyId})`,
      );
    }
    if (preset !== undefined) {
      throw new ConfigError('--preset', `only with --strategy phase4d (the strategy is ${strategyId})`);
    }
    if (volSource !== undefined) {
      throw new ConfigError('--vol-source', `only with --strategy phase4d (the strategy is ${strategyId})`);
    }
    return undefined;
  }
  const presetId = (preset ?? '2k').trim().toLowerCase();
  if (!(OPTION_PRESET_IDS as readonly string[]).includes(presetId)) {
    throw new ConfigError(
      '--preset',
      `'${preset}' is not a preset; the presets are ${OPTION_PRESET_IDS.join(', ')}`,
    );
  }
  if (volSource === undefined) {
    throw new ConfigError(
      '--vol-source',
      `${strategyId} needs a volatility source: --vol-source csv:<file> (a CBOE VIX_History.csv)`,
    );
  }
  const source = parseVolSource(volSource);
  const prices = optionPrices?.trim().toLowerCase();
  if (prices !== undefined && !(OPTION_PRICES as readonly string[]).includes(prices)) {
    throw new ConfigError(
      '--option-prices',
      `'${optionPrices}' is not a price source; the sources are model (the pricing model) and alpaca (Alpaca's option bars, the model where there are none)`,
    );
  }
  for (const flag of EQUITY_ONLY_FLAGS) {
    if (values[flag] !== undefined) {
      throw new ConfigError(
        `--${flag}`,
        `does not apply to ${strategyId}: --preset sets the option costs and limits`,
      );
    }
  }
  if (csv.length !== 1) {
    throw new ConfigError(
      '--data',
      `${strategyId} trades one underlying: give its intraday bars as one --data file (got ${csv.length})`,
    );
  }
  // The symbol roots the OCC symbols of the contracts traded (SPY250117P00450000).
  const symbol = csv[0]!.symbol;
  if (!/^[A-Z][A-Z0-9.]{0,5}$/.test(symbol)) {
    throw new ConfigError(
      '--symbol',
      `'${symbol}' is not an option root (1–6 capital letters or digits); name the underlying, e.g. --symbol SPY`,
    );
  }
  return {
    preset: presetId as OptionPresetId,
    volSource: source,
    ...(prices !== undefined && { optionPrices: prices as OptionPrices }),
  };
}

function outputFiles(spec: string | undefined): readonly OutputFile[] {
  if (spec === undefined) return OUTPUT_FILES;
  const asked = spec.split(',').map((name) => name.trim());
  for (const name of asked) {
    if (!(OUTPUT_FILES as readonly string[]).includes(name)) {
      throw new ConfigError('--write', `'${name}' is not one of ${OUTPUT_FILES.join(', ')}`);
    }
  }
  return OUTPUT_FILES.filter((name) => asked.includes(name));
}

const DataSchema = z
  .object({
    // The API's CSV entry, with any symbol the user names (a file name may not look like a ticker).
    csv: z
      .array(backtestCsvFileSchema.extend({ symbol: z.string().min(1) }))
      .min(1)
      .optional(),
    synthetic: z
      .object({
        symbols: z
          .array(z.string().min(1))
          .min(1)
          .default([...DEFAULT_SYMBOLS]),
        bars: z.number().int().min(2).max(10_000_000).default(756),
        timeframe: z.enum(TIMEFRAMES).default('1D'),
        seed: z.number().int().default(DEFAULT_SEED),
      })
      .strict()
      .optional(),
  })
  .strict();

const CliConfigSchema = BacktestConfigSchema.extend({ data: DataSchema.prefault({}) });
export type CliConfig = z.output<typeof CliConfigSchema>;

type Json = Record<string, unknown>;

function objectAt(root: Json, key: string): Json {
  const value = root[key];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  const created: Json = {};
  root[key] = created;
  return created;
}

/** A flag's number, or NaN (which the schema then reports under the field's name). */
function numberFlag(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

export function paramValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const asNumber = Number(text);
  return text.trim() !== '' && Number.isFinite(asNumber) ? asNumber : text;
}

function applyCommission(venue: Json, spec: string): void {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)\s*(%|\/share|\/order)?\s*$/i.exec(spec);
  if (match === null) {
    throw new ConfigError('--commission', `'${spec}' is not 0.005, 0.005/share, 1/order or 0.1%`);
  }
  const amount = Number(match[1]);
  const unit = (match[2] ?? '/share').toLowerCase();
  if (unit === '%') venue['commissionPercent'] = amount;
  else if (unit === '/order') venue['commissionPerOrder'] = amount;
  else venue['commissionPerShare'] = amount;
}

/** The config file (if any) with the flags laid over it, validated once so errors name the field. */
export function buildConfig(argv: readonly string[]): {
  config: CliConfig;
  out: string | undefined;
  write: readonly OutputFile[];
  report: 'html' | undefined;
  cacheDir: string | undefined;
  /** Set for an options strategy (phase4d): its preset and volatility source. */
  options: OptionsRunFlags | undefined;
} {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      data: { type: 'string', multiple: true },
      symbol: { type: 'string', multiple: true },
      timeframe: { type: 'string' },
      bars: { type: 'string' },
      strategy: { type: 'string' },
      param: { type: 'string', multiple: true },
      qty: { type: 'string' },
      cash: { type: 'string' },
      fill: { type: 'string' },
      commission: { type: 'string' },
      'slippage-bps': { type: 'string' },
      'no-risk': { type: 'boolean' },
      account: { type: 'string' },
      seed: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      out: { type: 'string' },
      write: { type: 'string' },
      report: { type: 'string' },
      preset: { type: 'string' },
      'vol-source': { type: 'string' },
      'option-prices': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }

  let raw: Json = {};
  if (values.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.config, 'utf8');
    } catch (error) {
      throw new ConfigError(
        '--config',
        `cannot read ${values.config}: ${(error as NodeJS.ErrnoException).code}`,
      );
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new ConfigError('--config', `${values.config} must hold a JSON object`);
      }
      raw = parsed as Json;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError('--config', `${values.config} is not valid JSON: ${(error as Error).message}`);
    }
  }

  if (values.cash !== undefined) raw['cash'] = numberFlag(values.cash);
  if (values.seed !== undefined) raw['seed'] = numberFlag(values.seed);
  if (values.strategy !== undefined) objectAt(raw, 'strategy')['id'] = values.strategy;
  for (const pair of values.param ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ConfigError('--param', `expected name=value, got '${pair}'`);
    objectAt(objectAt(raw, 'strategy'), 'params')[pair.slice(0, at).trim()] = paramValue(
      pair.slice(at + 1).trim(),
    );
  }
  if (values.qty !== undefined)
    objectAt(raw, 'risk')['sizing'] = { mode: 'fixed-qty', qty: numberFlag(values.qty) };
  if (values['no-risk'] === true) objectAt(raw, 'risk')['enabled'] = false;
  if (values.account !== undefined) objectAt(raw, 'account')['type'] = values.account;
  if (values.fill !== undefined) objectAt(raw, 'venue')['fill'] = values.fill;
  if (values['slippage-bps'] !== undefined) {
    objectAt(raw, 'venue')['slippageBps'] = numberFlag(values['slippage-bps']);
  }
  if (values.commission !== undefined) applyCommission(objectAt(raw, 'venue'), values.commission);

  const files = values.data ?? [];
  const symbols = values.symbol ?? [];
  if (files.length > 0) {
    if (symbols.length > 0 && symbols.length !== files.length) {
      throw new ConfigError(
        '--symbol',
        `${symbols.length} symbols for ${files.length} --data files; give one each`,
      );
    }
    objectAt(raw, 'data')['csv'] = files.map((path, k) => ({
      path,
      symbol: symbols[k] ?? basename(path, extname(path)).toUpperCase(),
      ...(values.timeframe !== undefined && { timeframe: values.timeframe }),
      ...(values['skip-invalid'] === true && { skipInvalid: true }),
    }));
  } else if (symbols.length > 0 || values.bars !== undefined || values.timeframe !== undefined) {
    const synthetic = objectAt(objectAt(raw, 'data'), 'synthetic');
    if (symbols.length > 0) synthetic['symbols'] = symbols;
    if (values.bars !== undefined) synthetic['bars'] = numberFlag(values.bars);
    if (values.timeframe !== undefined) synthetic['timeframe'] = values.timeframe;
  }

  if (values.report !== undefined && values.report !== 'html') {
    throw new ConfigError('--report', `'${values.report}' is not a report format; the one there is: html`);
  }
  if (values.report !== undefined && values.out === undefined) {
    throw new ConfigError('--report', 'html needs --out <dir> to write tearsheet.html into');
  }

  const parsed = CliConfigSchema.safeParse(raw);
  if (!parsed.success) throw configErrorOf(parsed.error);
  const options = optionsRunFlags(parsed.data.strategy.id, values, parsed.data.data.csv ?? []);
  // An options run's account is its preset's ($2,000 or $25,000), as in the app, unless --cash or the file says.
  const config =
    options !== undefined && raw['cash'] === undefined
      ? { ...parsed.data, cash: PRESET_ACCOUNT_SIZE[options.preset] }
      : parsed.data;
  return {
    config,
    out: values.out,
    write: outputFiles(values.write),
    report: values.report,
    cacheDir: values['no-cache'] === true ? undefined : (values['cache-dir'] ?? defaultCacheDir()),
    options,
  };
}

/** The user's cache folder, as the XDG convention puts it. */
function defaultCacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'];
  return join(base !== undefined && base !== '' ? base : join(homedir(), '.cache'), 'marketboss', 'bars');
}

export function loadData(
  config: CliConfig,
  cacheDir?: string,
): { series: BarSeries[]; notes: string[]; loads: CsvLoadReport[] } {
  const notes: string[] = [];
  const csv = config.data.csv;
  if (csv !== undefined) return loadCsvBars(csv, cacheDir);
  const synthetic = config.data.synthetic ?? DataSchema.shape.synthetic.unwrap().parse({});
  const series = generateMarket({
    symbols: synthetic.symbols,
    seed: synthetic.seed,
    bars: synthetic.bars,
    timeframe: synthetic.timeframe,
    ...(synthetic.timeframe === '1D' && { start: DEFAULT_START }),
    profiles: DEFAULT_PROFILES,
  });
  notes.push(
    `data: synthetic market (seed ${synthetic.seed}, ${synthetic.bars} ${synthetic.timeframe} bars of ${synthetic.symbols.join(', ')})`,
  );
  return { series, notes, loads: [] };
}
