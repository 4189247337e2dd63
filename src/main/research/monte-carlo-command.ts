// `npm run research -- monte-carlo --trades trades.csv --cash N --runs N --method shuffle|bootstrap|block
//   [--block-size N] --seed N [--ruin-loss F] --out DIR`: Monte Carlo on the trades of a backtest or session
// (the trades.csv both export), printed as a table and written to DIR/report.json.
// Bad input (a flag, a file without a pnl column, a row whose P&L is not a number) exits with status 2 and one line
// naming the flag, or the file, line and field, before any work starts.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  MONTE_CARLO_METHODS,
  type MonteCarloResult,
  type MonteCarloSettings,
  monteCarloSettingsSchema,
  type Percentiles,
} from '../../shared/domain/research';
import { MonteCarloInputError, monteCarlo } from './monte-carlo';
import { num } from './report';
import { writeTextFile } from './text-file';

export const MONTE_CARLO_USAGE = `usage: npm run research -- monte-carlo --trades <trades.csv> [options]
  --trades <file.csv>      the trades to resample: trades.csv of a backtest (--out) or a session export
  --cash <amount>          starting equity (default 100000)
  --runs <n>               paths to draw, 100 to 100000 (default 10000)
  --method <m>             shuffle (the same trades reordered), bootstrap (drawn with replacement) or block
                           (blocks of consecutive trades, wrapping from the last to the first); default shuffle
  --block-size <n>         trades per block for --method block (default 10)
  --seed <n>               the same seed gives the same report (default 1)
  --ruin-loss <fraction>   ruin is equity falling this far below the start at any point (default 0.5)
  --out <dir>              write report.json there`;

/** A problem with the command's input, in the user's words; exits 2. */
class CommandInputError extends Error {}

/** One trades.csv cell that must be a finite number. */
const numberCell = z
  .string()
  .trim()
  .min(1, 'is empty')
  .refine((text) => Number.isFinite(Number(text)), { message: 'is not a number' })
  .transform(Number);

/**
 * The P&L column of a trades.csv (the format writeTradeListCsv writes: symbol,side,…,pnl,fees,…), in file order:
 * the order the trades closed in, which is the "actual" path the Monte Carlo compares with.
 */
export function readTradePnl(path: string): Float64Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CommandInputError(
      `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((name) => name.trim());
  const column = header.indexOf('pnl');
  if (column < 0) {
    throw new CommandInputError(
      `${path} line 1: no pnl column (the header is '${lines[0] ?? ''}'; expected the trades.csv a backtest writes)`,
    );
  }
  const pnl: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new CommandInputError(
        `${path} line ${i + 1}: ${cells.length} fields, the header has ${header.length}`,
      );
    }
    const parsed = numberCell.safeParse(cells[column]);
    if (!parsed.success) {
      throw new CommandInputError(
        `${path} line ${i + 1}, pnl: '${cells[column]}' ${parsed.error.issues[0]?.message ?? 'is not a number'}`,
      );
    }
    pnl.push(parsed.data);
  }
  if (pnl.length === 0) throw new CommandInputError(`${path}: no trades (only a header)`);
  return Float64Array.from(pnl);
}

const FLAG_OF: Readonly<Record<string, string>> = {
  runs: '--runs',
  method: '--method',
  blockSize: '--block-size',
  seed: '--seed',
  ruinLoss: '--ruin-loss',
};

function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new CommandInputError(`${flag}: '${text}' is not a number`);
  }
  return value;
}

interface Command {
  readonly trades: string;
  readonly cash: number;
  readonly settings: MonteCarloSettings;
  readonly out: string | undefined;
}

function parseCommand(argv: readonly string[]): Command | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        trades: { type: 'string' },
        cash: { type: 'string' },
        runs: { type: 'string' },
        method: { type: 'string' },
        'block-size': { type: 'string' },
        seed: { type: 'string' },
        'ruin-loss': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CommandInputError((error as Error).message);
  }
  if (values.help === true) return 'help';
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const trades = str('trades');
  if (trades === undefined) throw new CommandInputError('--trades: give the trades.csv to resample');
  const cash = numberFlag('--cash', str('cash')) ?? 100_000;
  if (!(cash > 0)) throw new CommandInputError(`--cash: the starting equity must be above 0 (got ${cash})`);
  const method = str('method');
  if (method !== undefined && !(MONTE_CARLO_METHODS as readonly string[]).includes(method)) {
    throw new CommandInputError(`--method: '${method}' is not one of ${MONTE_CARLO_METHODS.join(', ')}`);
  }
  const parsed = monteCarloSettingsSchema.safeParse({
    runs: numberFlag('--runs', str('runs')),
    method,
    blockSize: numberFlag('--block-size', str('block-size')),
    seed: numberFlag('--seed', str('seed')),
    ruinLoss: numberFlag('--ruin-loss', str('ruin-loss')),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    throw new CommandInputError(`${FLAG_OF[field] ?? field}: ${issue.message}`);
  }
  return { trades, cash, settings: parsed.data, out: str('out') };
}

const money = (value: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;

/** The result as the terminal shows it: percentiles of final equity and max drawdown, ruin, the actual run. */
export function monteCarloTable(result: MonteCarloResult): string {
  const row = (label: string, p: Percentiles, show: (value: number) => string): string[] => [
    label,
    ...[p.p5, p.p25, p.p50, p.p75, p.p95, p.mean].map(show),
  ];
  const rows = [
    ['', '5%', '25%', '50%', '75%', '95%', 'mean'],
    row('Final equity', result.finalEquity, money),
    row('Max drawdown', result.maxDrawdown, percent),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
  const { settings } = result;
  return [
    `${settings.runs.toLocaleString('en-US')} ${settings.method} paths of ${result.trades} trades from ${money(result.startEquity)} (seed ${settings.seed})`,
    ...table,
    `Actual order: final equity ${money(result.actual.finalEquity)}, max drawdown ${percent(result.actual.maxDrawdown)}`,
    `Ruin (equity at or below ${money((1 - settings.ruinLoss) * result.startEquity)} at any point): ${percent(result.ruinProbability)}`,
  ].join('\n');
}

/** report.json: numbers rounded to 10 decimals (num), so reruns are byte-identical and free of binary noise. */
export function monteCarloReportJson(result: MonteCarloResult, tradesFile: string): string {
  const tidy = (_key: string, value: unknown): unknown =>
    typeof value === 'number' && Number.isFinite(value) ? Number(num(value)) : value;
  return `${JSON.stringify({ command: 'monte-carlo', tradesFile, ...result }, tidy, 2)}\n`;
}

/** Runs the subcommand; resolves to the exit code (0 done, 2 bad input). */
export async function monteCarloCommand(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command === 'help') {
      console.log(MONTE_CARLO_USAGE);
      return 0;
    }
    const pnl = readTradePnl(command.trades);
    const result = monteCarlo(pnl, command.cash, command.settings);
    console.log(monteCarloTable(result));
    if (command.out !== undefined) {
      mkdirSync(command.out, { recursive: true });
      const path = join(command.out, 'report.json');
      writeTextFile(path, (sink) => sink.write(monteCarloReportJson(result, command.trades)));
      console.log(`wrote ${path}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof CommandInputError || error instanceof MonteCarloInputError) {
      console.error(`monte-carlo: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
