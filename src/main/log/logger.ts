// Structured JSON-lines logs in the data dir, rotated by size; secrets are redacted before anything is written.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogContext = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  /** A logger whose every line carries `context` too (e.g. a correlation id). */
  child(context: LogContext): Logger;
}

export interface FileLoggerOptions {
  readonly dir: string;
  readonly fileName?: string;
  /** Rotate when the current file passes this size. */
  readonly maxBytes?: number;
  /** How many rotated files to keep (name.1 … name.N). */
  readonly keep?: number;
  readonly minLevel?: LogLevel;
  /** Also echo warnings and errors to stderr (host mode in a terminal). */
  readonly echo?: boolean;
  readonly now?: () => number;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|password|passphrase|token|authorization|api[-_]?key|key[-_]?id/i;

/** Copies `value` with secret-looking fields replaced, so a careless context can never leak a key. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any context we write: refuse rather than risk an unredacted secret.
  if (depth > 6) return '[too deep]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function createFileLogger(options: FileLoggerOptions): Logger {
  const fileName = options.fileName ?? 'marketboss.log';
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const minRank = LEVEL_RANK[options.minLevel ?? 'info'];
  const now = options.now ?? Date.now;
  const path = join(options.dir, fileName);
  mkdirSync(options.dir, { recursive: true });
  let size = existsSync(path) ? statSync(path).size : 0;

  const rotate = (): void => {
    rmSync(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    }
    renameSync(path, `${path}.1`);
    size = 0;
  };

  const write = (level: LogLevel, message: string, context: LogContext): void => {
    if (LEVEL_RANK[level] < minRank) return;
    // The line's own fields go last so a context key named time, level or message cannot overwrite them.
    const line = `${JSON.stringify({ ...(redact(context) as object), time: new Date(now()).toISOString(), level, message })}\n`;
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) rotate();
    // Synchronous append: a line acknowledged here survives a crash right after it. Logging never throws: a
    // vanished folder is made again, and a disk that refuses the line costs the line, not the app.
    try {
      appendFileSync(path, line);
    } catch {
      try {
        mkdirSync(options.dir, { recursive: true });
        appendFileSync(path, line);
      } catch (error) {
        process.stderr.write(`marketboss: cannot write the log ${path}: ${(error as Error).message}\n`);
        return;
      }
    }
    size += bytes;
    if (options.echo && LEVEL_RANK[level] >= LEVEL_RANK.warn) process.stderr.write(`[${level}] ${message}\n`);
  };

  return loggerOver(write);
}

type LogSink = (level: LogLevel, message: string, context: LogContext) => void;

function loggerOver(sink: LogSink, base: LogContext = {}): Logger {
  return {
    debug: (m, c) => sink('debug', m, { ...base, ...c }),
    info: (m, c) => sink('info', m, { ...base, ...c }),
    warn: (m, c) => sink('warn', m, { ...base, ...c }),
    error: (m, c) => sink('error', m, { ...base, ...c }),
    child: (c) => loggerOver(sink, { ...base, ...c }),
  };
}

/** A logger that keeps lines in memory; for tests and for code paths before the data dir is known. */
export function createMemoryLogger(): Logger & {
  readonly lines: { level: LogLevel; message: string; context: LogContext }[];
} {
  const lines: { level: LogLevel; message: string; context: LogContext }[] = [];
  const sink: LogSink = (level, message, context) =>
    lines.push({ level, message, context: redact(context) as LogContext });
  return Object.assign(loggerOver(sink), { lines });
}
