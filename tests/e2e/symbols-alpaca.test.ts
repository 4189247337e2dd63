// Alpaca's assets in the symbol search and the watchlist, in Chromium against host mode and the loopback fake Alpaca
// (the host in its own D-Bus session with a gnome-keyring, as in credentials.test.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeAlpaca, startFakeAlpaca } from '../../dev/fake-alpaca/server';
import { launchChromium } from '../support/browser';
import { type KeyringHost, keyringTools, startHostWithKeyring } from './keyring-host';

const SHOTS = '/work/notes/shots/symbols';

describe.skipIf(!keyringTools)(
  keyringTools
    ? 'Alpaca symbols in the search and the watchlist (host mode, fake Alpaca, its own gnome-keyring)'
    : 'Alpaca symbols (skipped: dbus-run-session or gnome-keyring-daemon is not installed)',
  () => {
    let fake: FakeAlpaca;
    let host: KeyringHost;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      fake = await startFakeAlpaca({ seed: 5, rateLimitPerMinute: 0 });
      host = await startHostWithKeyring({ MARKETBOSS_ALPACA_TRADING_URL: fake.url });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(host.url);
    });
    afterAll(async () => {
      await browser?.close();
      await host?.stop();
      await fake?.close();
    });

    test('Alpaca assets with their hints, a stock watched with its price, picked in the Alpaca session form', {
      timeout: 90_000,
    }, async () => {
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('API key id').fill(fake.keys.paper.keyId);
      await page.getByLabel('Secret key').fill(fake.keys.paper.secret);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('alpaca-keys-notice').textContent())
        .toBe('Keys checked with Alpaca and stored in the OS keychain.');
      await page.getByRole('button', { name: 'Sessions', exact: true }).click();

      const watchlist = page.getByRole('region', { name: 'Watchlist' });
      const search = watchlist.getByRole('combobox', { name: 'Add to watchlist' });
      const hits = watchlist.getByRole('listbox', { name: 'Search results' }).getByRole('option');
      const firstHit = async (query: string) => {
        await search.fill(query);
        await expect
          .poll(() => hits.first().textContent())
          .toContain(query.toUpperCase().split(' ')[0]!.slice(0, 2));
        return hits.first().textContent();
      };

      // Hints from Alpaca's own flags: OTCQ is listed but not tradable, NOSH cannot be shorted.
      expect(await firstHit('otcq')).toMatch(/OTCQ.*OTC Quiet Corp.*Alpaca.*not tradable/);
      expect(await firstHit('nosh')).toMatch(/NOSH.*Alpaca.*tradable.*no shorts.*fractional/);
      // By name: "apple" finds AAPL.
      await search.fill('apple');
      await expect
        .poll(() => hits.first().textContent())
        .toMatch(/^AAPLApple Inc\. Common Stock.*tradable.*shortable/);
      await expect.poll(() => watchlist.getByText(/Alpaca: \d+ assets, fetched/).count()).toBe(1);
      await page.screenshot({ path: `${SHOTS}/search-alpaca-1440x900.png` });
      await hits.first().click();

      // Watched: Alpaca's last daily close and the change from the one before.
      const row = watchlist.locator('tr[data-symbol="AAPL"]');
      await expect.poll(() => row.locator('[data-col="last"]').textContent()).toMatch(/^\d[\d,]*\.\d{2}$/);
      await expect
        .poll(() => row.locator('[data-col="change-pct"]').textContent())
        .toMatch(/^[+-]?\d+\.\d{2}%$/);

      // The Alpaca session form offers it from the watchlist.
      await page.getByRole('radio', { name: /^Alpaca paper/ }).check();
      const symbols = page.getByLabel('Symbols', { exact: true });
      await symbols.fill('SPY');
      await page
        .getByRole('group', { name: 'From the watchlist' })
        .getByRole('button', { name: '+ AAPL' })
        .click();
      expect(await symbols.inputValue()).toBe('SPY, AAPL');
      await page.screenshot({ path: `${SHOTS}/alpaca-form-watchlist-1440x900.png` });
      expect(pageErrors).toEqual([]);
    });
  },
);
