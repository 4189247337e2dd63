// A Phase 4D SPY put session on the simulator, end to end through the services: a fast synthetic SPY, the
// synthetic option quotes, the options engine and the real SQLite ledger. It opens a put, stores its orders, fills
// and trades under the OCC symbol, survives a restart with the position open, flattens and stops; configs that
// cannot run are refused naming the field; the validate-only launch answers without trading.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { ValidationReport } from '../../../src/shared/domain/credentials';
import { isOccSymbol, type OptionPositionRow, type OptionsMonitor } from '../../../src/shared/domain/options';
import type { AlertRow, SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);
const snapshotOf = (sessionId: string) => value<SessionSnapshot>('session:get', { sessionId });

beforeEach(() => {
  dataDir = tempDataDir('marketboss-options-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The 2K preset on a synthetic SPY, 1-minute bars released every 5 ms. The synthetic SPY is wild (its realised
 * volatility, the synthetic VIX, is near 60), so the filters are opened to trade every day, and the profit target and
 * per-trade loss set out of reach so the put is held to 10 minutes before the close (about 2 s of the test).
 */
function putsConfig(options: Record<string, unknown> = {}) {
  return {
    symbols: ['SPY'],
    timeframe: '1m',
    cash: 5_000,
    feed: { kind: 'synthetic-live', speed: 60_000 },
    options: {
      strategy: 'phase4d',
      preset: '2k',
      volSource: 'synthetic',
      params: {
        filters: { maxVix: 500, extremeRange: 1_000, moderateRange: 1_000 },
        profitTarget: 10,
        maxLossPerTrade: 1_000_000,
      },
      ...options,
    },
  };
}

async function created(config: unknown, name = 'Phase 4D'): Promise<string> {
  const { id } = await value<{ id: string }>('session:create', { name, config });
  return id;
}

const optionRows = (snapshot: SessionSnapshot) => snapshot.positions.filter((p) => isOccSymbol(p.symbol));

/** Starts the session and pauses it once a put is held (the entry is 30 minutes into the first live session). */
async function holdingAPut(sessionId: string): Promise<SessionSnapshot> {
  await value('session:start', { sessionId });
  let held: SessionSnapshot | undefined;
  await until(async () => {
    const snapshot = await snapshotOf(sessionId);
    if (optionRows(snapshot).some((p) => p.qty > 0)) {
      await value('session:pause', { sessionId });
      held = await snapshotOf(sessionId);
    }
    return held !== undefined;
  }, 'an open put');
  return held!;
}

describe('a Phase 4D 2K session on the simulator', () => {
  test('buys 2 puts 30 minutes after the open; orders, fills and the position are in the ledger under the OCC symbol', async () => {
    const sessionId = await created(putsConfig());
    const snapshot = await holdingAPut(sessionId);
    const [position] = optionRows(snapshot);
    expect(position!.qty).toBe(2);
    const entry = snapshot.orders.find((o) => o.symbol === position!.symbol && o.side === 'buy')!;
    expect(entry).toMatchObject({ type: 'limit', status: 'filled', qty: 2, filledQty: 2 });
    const fill = snapshot.fills.find((f) => f.orderId === entry.id)!;
    expect(fill).toMatchObject({ symbol: position!.symbol, side: 'buy', qty: 2 });
    // Commission: $0.65 a contract; the limit is the ask × (1 + 0.5%), and the fill no worse than it.
    expect(fill.fee).toBeCloseTo(1.3, 9);
    expect(fill.price).toBeLessThanOrEqual(entry.limitPrice!);
    // Cash paid the premium × 100 × contracts and the commission.
    expect(snapshot.cash).toBeCloseTo(5_000 - fill.price * 100 * 2 - 1.3, 6);
    // An in-the-money put: the strike at or above SPY at the entry (put = P in the OCC symbol).
    expect(position!.symbol).toMatch(/^SPY\d{6}P\d{8}$/);

    const positions = await value<OptionPositionRow[]>('session:option-positions', { runId: snapshot.runId });
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({
      symbol: position!.symbol,
      contracts: 2,
      right: 'put',
      underlying: 'SPY',
    });
    expect(positions[0]!.avgPremium).toBeCloseTo(fill.price, 9);
    expect(positions[0]!.bid).toBeGreaterThan(0);
    expect(positions[0]!.ask).toBeGreaterThan(positions[0]!.bid!);

    const monitor = await value<OptionsMonitor>('session:options-monitor', { runId: snapshot.runId });
    expect(monitor.runId).toBe(snapshot.runId);
    expect(monitor.preset).toMatch(/2k/i);
    expect(monitor.priceSource).toMatch(/synthetic/i);
    expect(monitor.fills.map((f) => f.symbol)).toContain(position!.symbol);
  });

  test('a restart rebuilds the open put from the ledger: same position, same cash, a clean recovery alert', async () => {
    const sessionId = await created(putsConfig());
    const before = await holdingAPut(sessionId);
    const [held] = optionRows(before);
    await services.close();

    services = testServices(dataDir);
    await services.sessions.recovered();
    const after = await snapshotOf(sessionId);
    expect(after.session.status).toBe('paused');
    expect(after.runId).toBe(before.runId);
    expect(optionRows(after)).toEqual([expect.objectContaining({ symbol: held!.symbol, qty: 2 })]);
    expect(after.cash).toBeCloseTo(before.cash, 9);
    expect(after.reconciliation).toEqual([]);
    const recovered = after.alerts.find((a: AlertRow) => a.kind === 'run-recovered')!;
    expect(recovered.severity).toBe('info');
    expect(recovered.message).toMatch(/the rebuilt account matches it/);
    const positions = await value<OptionPositionRow[]>('session:option-positions', { runId: after.runId });
    expect(positions).toEqual([expect.objectContaining({ symbol: held!.symbol, contracts: 2 })]);

    // It goes on from there: resumed, then stopped with flatten, the put is sold and the run ends flat.
    await value('session:resume', { sessionId });
    await value('session:stop', { sessionId, flatten: true });
    await until(async () => (await snapshotOf(sessionId)).session.status === 'stopped', 'the stop');
    const stopped = await snapshotOf(sessionId);
    expect(optionRows(stopped).filter((p) => p.qty !== 0)).toEqual([]);
    const sell = stopped.fills.find((f) => f.symbol === held!.symbol && f.side === 'sell')!;
    expect(sell.qty).toBe(2);
    expect(stopped.orders.filter((o) => ['new', 'accepted', 'partially_filled'].includes(o.status))).toEqual(
      [],
    );
  });

  test('a full day: the put is sold by the close, the day decision and the daily JSON report are kept', async () => {
    const sessionId = await created(putsConfig());
    await value('session:start', { sessionId });
    const runId = (await snapshotOf(sessionId)).runId!;
    const reportDir = join(dataDir, 'reports', 'options', runId);
    await until(() => existsSync(reportDir), 'the first daily report', 30_000);
    await value('session:pause', { sessionId });
    const monitor = await value<OptionsMonitor>('session:options-monitor', { runId });
    expect(monitor.tradingDays).toBeGreaterThanOrEqual(1);
    expect(monitor.tradedDays).toBeGreaterThanOrEqual(1);
    expect(monitor.trades).toBeGreaterThanOrEqual(1);
    expect(['green', 'amber', 'red']).toContain(monitor.band);
    // One file per trading day, named by it, written at the day's close: the first live day's.
    const [first] = readdirSync(reportDir).sort();
    expect(first).toMatch(/^\d{4}-\d{2}-\d{2}\.json$/);
    const report = JSON.parse(readFileSync(join(reportDir, first!), 'utf8')) as OptionsMonitor;
    expect(report.runId).toBe(runId);
    expect(`${report.day}.json`).toBe(first);
    expect(report).toMatchObject({ tradingDays: 1, tradedDays: 1, trades: 1, executionRate: 1 });
    expect(report.checks.map((c) => c.id)).toContain('daily_pnl');
    // No overnight holding: the day's put was sold by the close, a round trip under its OCC symbol.
    const trades = await value<{ content: string }>('session:export', { sessionId, what: 'trades' });
    expect(trades.content).toMatch(/SPY\d{6}P\d{8}/);
    expect(optionRows(await snapshotOf(sessionId)).filter((p) => p.qty !== 0)).toEqual([]);
  });
});

describe('options configs that cannot run are refused naming the field', () => {
  /** The refusal as the form gets it: the field's path, then the message. */
  const refusal = async (config: unknown): Promise<string> => {
    const result = await services.dispatch('session:create', { name: 'bad', config });
    if (result.ok) throw new Error('the config was accepted');
    const fields = (result.error as { fields?: { path: string }[] }).fields ?? [];
    return `${fields.map((f) => f.path).join(', ')} ${result.error.message}`;
  };

  test.each([
    [
      'two underlyings',
      { ...putsConfig(), symbols: ['SPY', 'QQQ'] },
      /config\.symbols.*exactly one underlying/,
    ],
    ['an unknown volatility source', putsConfig({ volSource: 'vixy' }), /config\.options\.volSource/],
    [
      'Alpaca volatility on the simulator',
      putsConfig({ volSource: 'alpaca' }),
      /config\.options\.volSource.*Alpaca paper/,
    ],
    ['an unknown preset', putsConfig({ preset: '10k' }), /config\.options\.preset/],
    [
      'a profit target below zero',
      putsConfig({ params: { profitTarget: -1 } }),
      /config\.options\.params\.profitTarget/,
    ],
    [
      'a second preset in the params',
      putsConfig({ params: { preset: '25k' } }),
      /config\.options\.params\.preset/,
    ],
    ['an unknown strategy', putsConfig({ strategy: 'iron-condor' }), /config\.options\.strategy/],
  ])('%s', async (_what, config, message) => {
    expect(await refusal(config)).toMatch(message);
  });

  test('the order ticket and trade plans answer that they are for equity sessions', async () => {
    const sessionId = await created(putsConfig());
    await value('session:start', { sessionId });
    const order = await services.dispatch('session:order', {
      sessionId,
      order: { symbol: 'SPY', side: 'buy', type: 'market', qty: 1 },
    });
    expect(order.ok).toBe(false);
    if (!order.ok)
      expect(order.error.message).toMatch(/Phase 4D SPY puts.*the order ticket is for equity sessions/);
  });
});

describe('the validate-only launch', () => {
  test('simulator, synthetic VIX: the strategy, the volatility source and the synthetic chain pass; nothing is traded', async () => {
    const sessionId = await created(putsConfig());
    const report = await value<ValidationReport>('session:validate', { sessionId });
    expect(report.ready).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['strategy', 'pass'],
      ['volatility', 'pass'],
      ['option-chain', 'pass'],
    ]);
    expect(report.checks[1]!.detail).toMatch(/synthetic VIX/);
    expect(report.checks[2]!.detail).toMatch(/the entry buys 2 × SPY\d{6}P\d{8}/);
    const snapshot = await snapshotOf(sessionId);
    expect(snapshot.runId).toBeNull();
  });

  test('a VIX file that is missing, or does not cover the first trading day, fails naming the file and the day', async () => {
    const missing = await created(putsConfig({ volSource: `csv:${join(dataDir, 'nope.csv')}` }));
    const none = await value<ValidationReport>('session:validate', { sessionId: missing });
    expect(none.ready).toBe(false);
    expect(none.checks.find((c) => c.id === 'volatility')).toMatchObject({ status: 'fail' });
    expect(none.checks.find((c) => c.id === 'volatility')!.detail).toMatch(/nope\.csv/);

    const file = join(dataDir, 'VIX_History.csv');
    // The synthetic market starts on 2023-01-03; the run's first trading day (after one session of history)
    // decides on that session's close, which this file, starting a week later, does not have.
    writeFileSync(file, 'DATE,OPEN,HIGH,LOW,CLOSE\n01/10/2023,20,21,19,20.5\n01/11/2023,20,21,19,19.8\n');
    const short = await created(putsConfig({ volSource: `csv:${file}` }));
    const report = await value<ValidationReport>('session:validate', { sessionId: short });
    const volatility = report.checks.find((c) => c.id === 'volatility')!;
    expect(volatility.status).toBe('fail');
    expect(volatility.detail).toMatch(/VIX_History\.csv.*has no close for 2023-01-03, the session before/);

    // The same file covering it passes, with its span and the close the first day decides on.
    writeFileSync(file, 'DATE,OPEN,HIGH,LOW,CLOSE\n01/03/2023,20,21,19,20.5\n01/04/2023,20,21,19,19.8\n');
    const covered = await value<ValidationReport>('session:validate', { sessionId: short });
    expect(covered.checks.find((c) => c.id === 'volatility')!.detail).toMatch(
      /2023-01-03 to 2023-01-04; the first trading day 2023-01-04 decides on the 2023-01-03 close 20\.50/,
    );
  });

  test('an equity session is not an options session', async () => {
    const sessionId = await created({ symbols: ['ACME'] }, 'equity');
    const result = await services.dispatch('session:validate', { sessionId });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/not an options session/);
  });
});
