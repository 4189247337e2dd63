// A trade plan executed in a running session: refused whole when any row is bad; otherwise its entry is sent at the
// next bar with its stop and target, and the position is closed when its expected holding time runs out.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-plan-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);

// RSI with levels it can never cross: the strategy itself stays out, so every order here is the plan's.
const quiet = {
  symbols: ['ACME'],
  feed: { kind: 'synthetic-live', speed: 12_000 },
  strategy: { id: 'rsi', params: { oversold: 0, overbought: 100 } },
};

describe('trade plans in a session', () => {
  test('a plan with bad rows is refused whole, naming each line and field; nothing is executed', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'plan', config: quiet });
    await value('session:start', { sessionId: id });
    await value('session:pause', { sessionId: id });
    const csv = [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,7,market,,1000,1,0.5',
      'ACME,buy,5,limit,100,110,120,1',
      'ZZZ,buy,5,market,,110,90,1',
    ].join('\n');
    const result = await services.dispatch('session:import-plan', {
      sessionId: id,
      fileName: 'plan.csv',
      csv,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('bad-request');
      expect(result.error.message).toMatch(/nothing was imported/);
      expect(result.error.message).toMatch(/plan\.csv line 3, field stop_loss/);
      expect(result.error.message).toMatch(/plan\.csv line 4, field symbol/);
    }
    await value('session:resume', { sessionId: id });
    await new Promise((r) => setTimeout(r, 200));
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    expect(snapshot.orders).toEqual([]);
  });

  test('absurd quantities are refused whole against the session limits: 1e308 shares, more than its exposure allows', async () => {
    const { id } = await value<{ id: string }>('session:create', {
      name: 'plan',
      config: { ...quiet, cash: 50_000 },
    });
    await value('session:start', { sessionId: id });
    const csv = [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,7,limit,100,110,90,1',
      'ACME,buy,1e308,market,,1000,1,0.5',
      'ACME,buy,600,limit,100,110,90,1',
    ].join('\n');

    const result = await services.dispatch('session:import-plan', {
      sessionId: id,
      fileName: 'trade_plan.csv',
      csv,
    });

    expect(result.ok === false && result.error.code).toBe('bad-request');
    expect(result.ok === false && result.error.message.split('\n')).toEqual([
      'trade_plan.csv: 2 problems in 2 rows; nothing was imported',
      'trade_plan.csv line 3, field qty: 1e+308 is not a sane number of shares (at most 1000000000)',
      "trade_plan.csv line 4, field qty: 600 shares at 100, its entry price, is more than the session's limit of 50000 notional (risk.maxGrossExposure 1 × equity 50000): at most 500 shares",
    ]);
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    expect(snapshot.orders).toEqual([]);
  });

  test('a good plan enters at the next bar with its stop and target, and exits when its holding time runs out', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'plan', config: quiet });
    await value('session:start', { sessionId: id });
    const csv = [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,7,market,,100000,0.01,0.01',
    ].join('\n');
    expect(
      await value('session:import-plan', { sessionId: id, fileName: 'plan.csv', csv, mode: 'intraday' }),
    ).toEqual({
      rows: 1,
      mode: 'intraday',
    });

    await until(async () => {
      const s = await value<SessionSnapshot>('session:get', { sessionId: id });
      return s.fills.some((f) => f.side === 'sell' && f.qty === 7);
    }, 'the exit at the end of the holding time');
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    const fills = [...snapshot.fills].reverse();
    expect(fills.map((f) => [f.side, f.qty])).toEqual([
      ['buy', 7],
      ['sell', 7],
    ]);
    // 0.01 of a 6.5-hour session is about 4 minutes: four 1m bars after the entry, give or take the bar the plan landed.
    const heldMinutes = (fills[1]!.time - fills[0]!.time) / 60_000;
    expect(heldMinutes).toBeGreaterThanOrEqual(3);
    expect(heldMinutes).toBeLessThanOrEqual(6);
    const roles = snapshot.orders.map((o) => o.role).sort();
    expect(roles).toEqual(['entry', 'exit', 'stop_loss', 'take_profit']);
    expect(snapshot.positions[0]!.qty).toBe(0);
  });
});
