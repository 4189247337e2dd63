// Helpers for running the built backtest CLI against the fake Alpaca: the CLI in a child process that does not block
// this one (the fake answers from here), and SPY bars and a VIX file for the options backtest.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FakeAlpaca, FakeKeys } from '../../../dev/fake-alpaca/server';
import { sessionOnDay } from '../../../src/main/market/calendar';
import { sdk } from './fake-alpaca-helpers';

const REPO = resolve(__dirname, '../../..');
const CLI = join(REPO, 'out/cli/backtest.cjs');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with exactly `env` (plus PATH); resolves when it exits. */
export function backtestCli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (status) => done({ status, stdout, stderr: stderr.trim() }));
  });
}

export function vixCsv(from: string, through: string, close: number): string {
  const rows = ['DATE,OPEN,HIGH,LOW,CLOSE'];
  for (let day = Date.parse(from); day <= Date.parse(through); day += 86_400_000) {
    const iso = new Date(day).toISOString().slice(0, 10);
    if (sessionOnDay('us-equities', iso) === null) continue;
    rows.push(
      `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)},${close},${close},${close},${close}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

export function csvRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])));
}

/** SPY's regular-hours 5-minute bars from the fake, as the CSV the CLI reads. */
export async function spyCsv(fake: FakeAlpaca, from: string, to: string, keys?: FakeKeys): Promise<string> {
  const answer = await sdk(fake, keys).marketData.stocks.stockBars({
    symbols: 'SPY',
    timeframe: '5Min',
    start: new Date(from),
    end: new Date(to),
    limit: 10_000,
    feed: 'iex',
  });
  const rows = ['timestamp,open,high,low,close,volume'];
  for (const bar of (answer.bars['SPY'] ?? []) as unknown as {
    t: string;
    o: number;
    h: number;
    l: number;
    c: number;
    v: number;
  }[]) {
    const time = Date.parse(bar.t);
    const session = sessionOnDay('us-equities', new Date(time - 5 * 3_600_000).toISOString().slice(0, 10));
    if (session === null || time < session.open || time >= session.close) continue;
    rows.push(`${new Date(time).toISOString()},${bar.o},${bar.h},${bar.l},${bar.c},${bar.v}`);
  }
  return `${rows.join('\n')}\n`;
}
