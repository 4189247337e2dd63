// Run management over the API on a real SQLite file: rename, note, tag, pin (kept across a restart, pinned first),
// refusals that name the field, default names with parameters, and the tearsheet of a finished run.
import { rmSync } from 'node:fs';
import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createServices, type Services } from '../../../src/main/services';
import type { BacktestProgress, BacktestSummary } from '../../../src/shared/domain/backtest';
import type { ExportFile } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';

let dataDir: string;
let services: Services;
let progress: BacktestProgress[];

const open = () => {
  services = createServices({
    dataDir,
    version: '0.0.0-test',
    transport: 'websocket',
    electronVersion: null,
  });
  progress = [];
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'progress') progress.push(...(batch as BacktestProgress[]));
  });
};

async function value<T>(name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function runToEnd(params: Record<string, unknown>): Promise<string> {
  const { runId } = await value<{ runId: string }>('backtest:run', {
    data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 300, seed: 7 },
    config: { strategy: { id: 'sma-crossover', params } },
  });
  const started = Date.now();
  while (!progress.some((p) => p.runId === runId && p.status !== 'running')) {
    if (Date.now() - started > 60_000) throw new Error(`${runId} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(progress.find((p) => p.runId === runId && p.status !== 'running')?.status).toBe('done');
  return runId;
}

beforeEach(() => {
  dataDir = tempDataDir();
  open();
});

afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('run management', () => {
  test('a run is named by its parameters; renamed, noted, tagged and pinned it keeps them after a restart, pinned first', async () => {
    const older = await runToEnd({ fast: 10, slow: 30 });
    const newer = await runToEnd({});
    let list = await value<BacktestSummary[]>('backtest:list', {});
    expect(list.map((r) => [r.id, r.name, r.pinned, r.tags, r.note])).toEqual([
      [newer, 'SMA 5/20 · ACME · 1D', false, [], ''],
      [older, 'SMA 10/30 · ACME · 1D', false, [], ''],
    ]);

    const updated = await value<BacktestSummary>('backtest:update', {
      runId: older,
      name: '  Slow baseline  ',
      note: 'the one to beat',
      tags: ['baseline', ' slow ', 'baseline'],
      pinned: true,
    });
    expect(updated).toMatchObject({
      name: 'Slow baseline',
      note: 'the one to beat',
      tags: ['baseline', 'slow'],
      pinned: true,
    });
    // Only what is sent changes.
    await value('backtest:update', { runId: older, note: 'still the one to beat' });

    await services.close();
    open();
    list = await value<BacktestSummary[]>('backtest:list', {});
    expect(list.map((r) => [r.id, r.name, r.note, r.tags, r.pinned])).toEqual([
      [older, 'Slow baseline', 'still the one to beat', ['baseline', 'slow'], true],
      [newer, 'SMA 5/20 · ACME · 1D', '', [], false],
    ]);
  });

  test('refusals name the field and change nothing', async () => {
    const runId = await runToEnd({});
    const refused = async (arg: Record<string, unknown>) => {
      const result = await services.dispatch('backtest:update', { runId, ...arg });
      expect(result.ok).toBe(false);
      return result.ok ? '' : JSON.stringify(result.error);
    };
    expect(await refused({ name: '   ' })).toContain('a run needs a name');
    expect(await refused({ tags: ['a,b'] })).toContain('a tag cannot contain a comma');
    expect(await refused({ tags: ['x'.repeat(33)] })).toContain('at most 32 characters');
    expect(await refused({})).toContain('nothing to change');
    expect(await refused({ pinned: 'yes' })).toContain('pinned');
    const missing = await services.dispatch('backtest:update', { runId: 'bt-nothere', pinned: true });
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
    const [run] = await value<BacktestSummary[]>('backtest:list', {});
    expect(run).toMatchObject({ name: 'SMA 5/20 · ACME · 1D', tags: [], pinned: false, note: '' });
  });
});

describe('backtest:tearsheet', () => {
  test('a finished run’s tearsheet is one self-contained HTML file with its figures', async () => {
    const runId = await runToEnd({});
    await value('backtest:update', { runId, tags: ['baseline'] });
    const file = await value<ExportFile>('backtest:tearsheet', { runId });
    expect(file.fileName).toBe('sma-5-20-acme-1d-tearsheet.html');
    expect(file.mimeType).toBe('text/html');
    expect(file.content).not.toMatch(/<script|src="http|href="http|<link/i);
    const doc = new new Window().DOMParser().parseFromString(file.content, 'text/html');
    expect(doc.querySelector('h1')?.textContent).toBe('SMA 5/20 · ACME · 1D');
    const detail = await value<{ metrics: { endEquity: number } }>('backtest:get', { runId });
    const end = doc.querySelector('table[aria-label="Metrics"]')!.textContent!;
    expect(end).toContain(
      detail.metrics.endEquity.toLocaleString('en-US', {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      }),
    );
    expect(doc.querySelector('dl.facts')?.textContent).toContain('Tagsbaseline');
    expect(doc.querySelectorAll('table[aria-label="Monthly returns"] tbody tr').length).toBeGreaterThan(0);
  });
});
