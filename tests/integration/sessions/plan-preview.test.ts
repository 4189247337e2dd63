// Trade plans from the screen: a preview checks the file exactly as the import does and stores nothing (rows with
// their holding deadlines, or every refusal by line and field); after the run, each row's outcome is read back.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { LogPage } from '../../../src/shared/domain/events';
import type { PlanOutcome, PlanPreview } from '../../../src/shared/domain/plan';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-plan-preview-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);

// RSI with levels it can never cross: every order here is the plan's.
const quiet = {
  symbols: ['ACME'],
  feed: { kind: 'synthetic-live', speed: 12_000 },
  strategy: { id: 'rsi', params: { oversold: 0, overbought: 100 } },
};

describe('trade plan preview and outcomes', () => {
  test('a file with one bad line: the refusal by line and field, and nothing stored or sent', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'plan', config: quiet });
    await value('session:start', { sessionId: id });
    const csv = [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,5,market,,100000,0.01,1',
      'ACME,buy,5,limit,100,110,120,1',
    ].join('\n');
    const preview = await value<PlanPreview>('session:preview-plan', {
      sessionId: id,
      fileName: 'bad.csv',
      csv,
    });
    expect(preview.rows).toEqual([]);
    expect(preview.problems).toEqual([
      { line: 3, field: 'stop_loss', detail: '120 is above the entry 100 for a buy' },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    expect(snapshot.orders).toEqual([]);
    expect(await value<PlanOutcome[]>('session:plan-outcomes', { sessionId: id })).toEqual([]);
    const events = await value<LogPage>('session:events', { sessionId: id, kinds: ['risk'] });
    expect(events.total).toBe(0);
  });

  test('a good file previews with its mode and deadlines, then runs; its row ends exited by time', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'plan', config: quiet });
    await value('session:start', { sessionId: id });
    const csv = [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,7,market,,100000,0.01,0.01',
      'ACME,buy,3,limit,0.5,1,0.25,',
    ].join('\n');
    const preview = await value<PlanPreview>('session:preview-plan', {
      sessionId: id,
      fileName: 'plan.csv',
      csv,
      mode: 'intraday',
    });
    expect(preview.problems).toEqual([]);
    expect(preview.mode).toBe('intraday');
    expect(preview.rows.map((r) => [r.line, r.qty, r.timeLimitDays])).toEqual([
      [2, 7, 0.01],
      [3, 3, 2], // no hold_days: the intraday bound
    ]);
    expect(preview.rows[1]!.deadline).toBeGreaterThan(preview.rows[0]!.deadline);
    // Previewing stored nothing.
    expect((await value<SessionSnapshot>('session:get', { sessionId: id })).orders).toEqual([]);

    await value('session:import-plan', { sessionId: id, fileName: 'plan.csv', csv, mode: 'intraday' });
    await until(async () => {
      const rows = await value<PlanOutcome[]>('session:plan-outcomes', { sessionId: id });
      return rows.some((r) => r.line === 2 && r.outcome === 'exited by time');
    }, 'the first row exits when its holding time runs out');
    const rows = await value<PlanOutcome[]>('session:plan-outcomes', { sessionId: id });
    expect(rows.map((r) => [r.line, r.outcome, r.source])).toEqual([
      [2, 'exited by time', 'plan.csv'],
      [3, expect.stringMatching(/^(waiting|not entered)$/), 'plan.csv'],
    ]);
    // A limit far below the market never fills: working, or expired at the day's end (the fast market passes days).
    expect(rows[1]!.detail).toMatch(/^(limit entry working|expired|canceled)/);
    expect(rows[0]!.detail).toMatch(/^entered at [\d.]+, exited at [\d.]+$/);
    expect(rows[0]!.deadline).toBe(rows[0]!.planTime + Math.round(0.01 * 6.5 * 3_600_000));
    // The viewer names the plan instead of printing it whole.
    const events = await value<LogPage>('session:events', { sessionId: id, text: 'trade plan' });
    expect(events.events.map((e) => e.message)).toEqual(['trade plan plan.csv: 2 rows, intraday mode']);
  });
});
