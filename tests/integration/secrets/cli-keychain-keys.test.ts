// The backtest CLI reads the Alpaca keys the app saved in the OS keychain (real keytar, real gnome-keyring) when no
// APCA_API_KEY_ID / APCA_API_SECRET_KEY is set: keys saved through the app's credentials:save for its data folder
// (~/.config/MarketBoss under the child's HOME), then `--option-prices alpaca` against the fake Alpaca with them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeAlpaca, startFakeAlpaca } from '../../../dev/fake-alpaca/server';
import { createServices, type Services } from '../../../src/main/services';
import { backtestCli, spyCsv, vixCsv } from '../alpaca/cli-helpers';
import { randomPaperKeyId, randomSecret } from './account-responder';
import { keychainProblem, keychainSkipReason } from './keychain-probe';

describe.skipIf(keychainProblem !== null)(
  keychainProblem === null
    ? 'the backtest CLI with keys from the OS keychain'
    : `the backtest CLI with keys from the OS keychain (${keychainSkipReason})`,
  () => {
    const paper = { keyId: randomPaperKeyId(), secret: randomSecret() };
    const home = mkdtempSync(join(tmpdir(), 'marketboss-cli-keychain-'));
    const config = join(home, '.config');
    const dataDir = join(config, 'MarketBoss');
    let fake: FakeAlpaca;
    let services: Services;

    beforeAll(async () => {
      mkdirSync(dataDir, { recursive: true });
      fake = await startFakeAlpaca({ seed: 7, rateLimitPerMinute: 0, accounts: [paper] });
      services = createServices({
        dataDir,
        version: '0.0.0-test',
        transport: 'websocket',
        electronVersion: null,
        heartbeatMs: 1e9,
        alpacaBaseUrls: { trading: fake.url, data: fake.url },
      });
      expect(await services.dispatch('credentials:save', paper)).toMatchObject({ ok: true });
    });
    afterAll(async () => {
      await services?.dispatch('credentials:delete', {});
      await services?.close();
      await fake?.close();
      rmSync(home, { recursive: true, force: true });
    });

    test("--option-prices alpaca runs on the saved paper keys and prices from the fake's bars", async () => {
      const spy = join(home, 'SPY_5m.csv');
      const vix = join(home, 'VIX_History.csv');
      // Monday (warm-up) and Tuesday before the fake's clock, Wednesday 2025-03-05 10:00 New York.
      writeFileSync(spy, await spyCsv(fake, '2025-03-03T14:30:00Z', '2025-03-04T21:00:00Z', paper));
      writeFileSync(vix, vixCsv('2025-02-03', '2025-03-04', 14));
      const settings = join(home, 'config.json');
      writeFileSync(
        settings,
        JSON.stringify({
          strategy: { params: { filters: { maxVix: 100, extremeRange: 1000, moderateRange: 1000 } } },
        }),
      );
      const out = join(home, 'out');
      const env: Record<string, string> = {
        HOME: home,
        XDG_CONFIG_HOME: config,
        MARKETBOSS_ALPACA_DATA_URL: fake.url,
      };
      // The keyring's session bus, so the child's keytar reaches the same Secret Service.
      for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'GNOME_KEYRING_CONTROL', 'XDG_RUNTIME_DIR']) {
        const value = process.env[name];
        if (value !== undefined) env[name] = value;
      }
      const run = await backtestCli(
        env,
        ...['--data', spy, '--symbol', 'SPY', '--strategy', 'phase4d', '--config', settings],
        ...['--vol-source', `csv:${vix}`, '--option-prices', 'alpaca', '--out', out],
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(report.priceComparison.quotes.fromBars).toBeGreaterThan(0);
      expect(report.priceComparison.quotes.fallback).toBe(0);
      // Bars came back, and the fake answers only the saved key: the keychain's keys were the ones used.
      expect(run.stdout).toMatch(
        /option bars: \d+ 1-minute bars of 1 contract over 1 trading day from Alpaca \(1 request\)/,
      );
    }, 120_000);
  },
);
