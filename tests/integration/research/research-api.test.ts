// The research lab through the API as the UI runs it: the composed services on a real data folder, research:run
// refusing bad requests by field, a run finishing in the background with research-progress pushes, the run kept
// after a restart, and a run cut short by a shutdown marked failed at the next start.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createServices, type Services } from '../../../src/main/services';
import type { ResearchDetail, ResearchProgress } from '../../../src/shared/domain/research';
import { tempDataDir } from '../../support/host-process';

let dataDir: string;
let services: Services;
let progress: ResearchProgress[];

function open(): Services {
  const s = createServices({ dataDir, version: '0.0.0-test', transport: 'websocket', electronVersion: null });
  s.pushes.subscribe((topic, batch) => {
    if (topic === 'research-progress') progress.push(...(batch as ResearchProgress[]));
  });
  return s;
}

async function value<T>(name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function finished(id: string): Promise<ResearchDetail> {
  for (let i = 0; i < 1000; i++) {
    const run = await value<ResearchDetail>('research:get', { id });
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${id} did not finish`);
}

beforeEach(() => {
  dataDir = tempDataDir();
  progress = [];
  services = open();
});

afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const request = {
  kind: 'optimize',
  data: { source: 'synthetic', symbols: ['ACME'], bars: 300 },
  config: { strategy: { id: 'sma-crossover' } },
  search: {
    dimensions: [
      { kind: 'values', name: 'fast', values: [5, 10] },
      { kind: 'values', name: 'slow', values: [20, 30] },
    ],
  },
};

describe('research over the API', () => {
  test('a run is refused by field, runs in the background, pushes progress and survives a restart', async () => {
    const refused = await services.dispatch('research:run', {
      request: { ...request, search: { dimensions: [{ kind: 'values', name: 'fastt', values: [1] }] } },
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('bad-request');
    expect(refused.error.message).toContain("'fastt' is not a parameter of sma-crossover");

    const { id } = await value<{ id: string }>('research:run', { request });
    const run = await finished(id);
    expect(run.status).toBe('done');
    expect(run.headline).toMatch(/^best sharpe .* \(4 cells\)$/);
    await new Promise((r) => setTimeout(r, 100)); // the push bus coalesces
    expect(progress.filter((p) => p.id === id).at(-1)).toMatchObject({ status: 'done', done: 4, total: 4 });

    await services.close();
    services = open();
    const list = await value<{ id: string; status: string }[]>('research:list', {});
    expect(list).toEqual([expect.objectContaining({ id, status: 'done' })]);
    const again = await value<ResearchDetail>('research:get', { id });
    expect(again.result).toEqual(run.result);
  });

  test('a run still running when the data folder was last closed uncleanly is failed at the next start', async () => {
    services.db
      .prepare(
        "INSERT INTO research_runs (id, kind, name, status, created_at, request) VALUES ('rs-cut-1', 'optimize', 'cut', 'running', 1, '{}')",
      )
      .run();
    await services.close();
    services = open();
    const run = await value<ResearchDetail>('research:get', { id: 'rs-cut-1' });
    expect(run).toMatchObject({ status: 'failed', error: 'interrupted: MarketBoss stopped during the run' });
  });
});
