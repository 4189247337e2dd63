// The replay-parity subcommand on a real data folder: it reads the app's SQLite file read-only, prints the verdict,
// writes parity.json (the report the API gives) and differences.csv; bad input exits 2 naming the problem.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { databaseFile } from '../../../src/main/paths';
import type { Services } from '../../../src/main/services';
import { replayParityCommand } from '../../../src/main/sessions/replay-parity-command';
import type { ParityReport } from '../../../src/shared/domain/research';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let out: string;
let services: Services | undefined;
let printed: string[];
let errors: string[];

beforeEach(() => {
  dataDir = tempDataDir('marketboss-parity-cli-');
  out = mkdtempSync(join(tmpdir(), 'marketboss-parity-out-'));
  printed = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
  vi.spyOn(console, 'error').mockImplementation((text: string) => void errors.push(text));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await services?.close();
  services = undefined;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

/** A simulator session run for a few fills with a flatten on the way, stopped; the app then closed. */
async function recordedSession(): Promise<{ id: string; report: ParityReport }> {
  const app = testServices(dataDir);
  services = app;
  let fills = 0;
  app.pushes.subscribe((topic, batch) => {
    if (topic === 'fill') fills += batch.length;
  });
  const value = <T>(name: string, arg: unknown) => callValue<T>(app, name, arg);
  const { id } = await value<{ id: string }>('session:create', {
    name: 'cli parity',
    config: { symbols: ['ACME', 'BOLT'], feed: { kind: 'synthetic-live', speed: 12_000 } },
  });
  await value('session:start', { sessionId: id });
  await until(
    async () =>
      (await value<SessionSnapshot>('session:get', { sessionId: id })).positions.some((p) => p.qty !== 0),
    'a position',
  );
  await value('session:flatten', { sessionId: id });
  await until(() => fills >= 8, 'a few fills');
  await value('session:stop', { sessionId: id, flatten: false });
  await until(
    async () => (await value<SessionSnapshot>('session:get', { sessionId: id })).session.status === 'stopped',
    'stopped',
  );
  const report = await value<ParityReport>('session:replay-parity', { sessionId: id });
  await app.close();
  services = undefined;
  return { id, report };
}

describe('npm run research -- replay-parity', () => {
  test('prints the verdict and writes the API’s report and one CSV row per difference, the file untouched', async () => {
    const { id, report } = await recordedSession();
    expect(report.differences.length).toBeGreaterThan(0);
    const before = statSync(databaseFile(dataDir)).mtimeMs;

    const status = await replayParityCommand(['--session', id, '--data-dir', dataDir, '--out', out]);
    expect(errors).toEqual([]);
    expect(status).toBe(0);
    expect(printed).toContain(report.verdict);
    expect(JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8'))).toEqual(report);
    const csv = readFileSync(join(out, 'differences.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe(
      'reason,symbol,side,session_time,session_qty,session_price,replay_time,replay_qty,replay_price,detail',
    );
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(report.differences.map((d) => d.reason));
    expect(statSync(databaseFile(dataDir)).mtimeMs).toBe(before);
  });

  test('bad input exits 2 and says what is wrong', async () => {
    expect(await replayParityCommand(['--data-dir', dataDir])).toBe(2);
    expect(errors.at(-1)).toMatch(/^replay-parity: --session is required/);
    expect(await replayParityCommand(['--session', 's-x', '--data-dir', join(dataDir, 'nowhere')])).toBe(2);
    expect(errors.at(-1)).toMatch(/^replay-parity: no MarketBoss database at .*nowhere.*check --data-dir$/);
    expect(await replayParityCommand(['--session', 's-x', '--bogus'])).toBe(2);
    expect(errors.at(-1)).toMatch(/^replay-parity: Unknown option '--bogus'/);
    // A real data folder without that session.
    await testServices(dataDir).close();
    expect(await replayParityCommand(['--session', 's-nope', '--data-dir', dataDir])).toBe(2);
    expect(errors.at(-1)).toMatch(/^replay-parity: no session s-nope in /);
  });
});
