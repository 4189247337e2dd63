// Settings → Alpaca paper account in Chromium against host mode. npm test runs e2e outside any D-Bus session, so this
// test gives the host its own: dbus-run-session with an unlocked gnome-keyring and a temporary HOME, and points the
// host's Alpaca calls at the fake Alpaca (dev/fake-alpaca) with MARKETBOSS_ALPACA_TRADING_URL.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeAlpaca, startFakeAlpaca } from '../../dev/fake-alpaca/server';
import { randomPaperKeyId, randomSecret } from '../integration/secrets/account-responder';
import { launchChromium, screenshotPath } from '../support/browser';
import { type KeyringHost, keyringTools, startHostWithKeyring } from './keyring-host';

describe.skipIf(!keyringTools)(
  keyringTools
    ? 'Alpaca paper keys in Settings (host mode with its own gnome-keyring)'
    : 'Alpaca paper keys in Settings (skipped: dbus-run-session or gnome-keyring-daemon is not installed, so the host would have no OS keychain)',
  () => {
    const keys = { keyId: randomPaperKeyId(), secret: randomSecret() };
    let fake: FakeAlpaca;
    let host: KeyringHost;
    let browser: Browser;

    beforeAll(async () => {
      fake = await startFakeAlpaca({ accounts: [keys] });
      host = await startHostWithKeyring({ MARKETBOSS_ALPACA_TRADING_URL: fake.url });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await host?.stop();
      await fake?.close();
    });

    test('enter keys, see the refusal in words, then only the masked hint; test the connection; validate; remove', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      // A locator that never matches fails in 10 s with its name instead of hanging the test.
      page.setDefaultTimeout(10_000);
      const consoleErrors: string[] = [];
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(host.url);
      await page.getByRole('button', { name: 'Settings' }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'Alpaca paper account' }).count()).toBe(1);
      expect(await page.getByLabel('Secret key').getAttribute('type')).toBe('password');

      // A wrong secret: refused in words, nothing stored.
      await page.getByLabel('API key id').fill(keys.keyId);
      await page.getByLabel('Secret key').fill(`${keys.secret.slice(0, -2)}zz`);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('alpaca-keys-notice').textContent())
        .toMatch(/^Alpaca refused these keys/);
      await page.screenshot({ path: screenshotPath('credentials-refused') });

      // The right pair: the form gives way to the masked hint and the account's status.
      await page.getByLabel('Secret key').fill(keys.secret);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('alpaca-keys-notice').textContent())
        .toBe('Keys checked with Alpaca and stored in the OS keychain.');
      const hint = `PK…${keys.keyId.slice(-4)}`;
      await expect.poll(() => page.getByTestId('alpaca-key-hint').textContent()).toBe(hint);
      expect(await page.getByTestId('alpaca-account-status').textContent()).toBe('ACTIVE');
      expect(await page.getByLabel('Secret key').count()).toBe(0);
      const html = await page.content();
      expect(html).not.toContain(keys.secret);
      expect(html).not.toContain(keys.keyId);
      await page.screenshot({ path: screenshotPath('credentials-stored') });

      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => page.getByTestId('alpaca-keys-notice').textContent()).toContain('ACTIVE');

      // Validate: read-only checks for the typed symbols, each with its badge and reason (the fake's clock: 10:00
      // New York on a Wednesday, so the market is open).
      expect(await page.getByLabel('Symbols', { exact: true }).inputValue()).toBe('SPY');
      await page.getByLabel('Symbols', { exact: true }).fill('spy, nosh, xyz');
      await page.getByRole('button', { name: 'Validate' }).click();
      await expect.poll(() => page.getByTestId('alpaca-validation').count()).toBe(1);
      const checkOf = (id: string) => page.getByTestId(`alpaca-check-${id}`);
      const statusOf = (id: string) => checkOf(id).getAttribute('data-status');
      expect(await statusOf('keys')).toBe('pass');
      expect(await statusOf('account')).toBe('pass');
      expect(await statusOf('clock')).toBe('pass');
      expect(await statusOf('buying-power')).toBe('pass');
      expect(await statusOf('asset:SPY')).toBe('pass');
      expect(await statusOf('asset:NOSH')).toBe('warn');
      expect(await statusOf('asset:XYZ')).toBe('fail');
      expect(await statusOf('data')).toBe('pass');
      expect(await checkOf('asset:XYZ').textContent()).toContain('unknown symbol: Alpaca has no asset XYZ');
      expect(await checkOf('clock').textContent()).toContain('open now (2025-03-05 10:00 New York)');
      expect(await page.getByTestId('alpaca-validation').getByRole('status').textContent()).toBe(
        'Not ready: 1 failed.',
      );
      const validated = await page.content();
      expect(validated).not.toContain(keys.secret);
      expect(validated).not.toContain(keys.keyId);
      // The app scrolls inside its own pane, so a full-page shot would cut the list: a taller window instead.
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.getByTestId('alpaca-check-data').scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath('settings-alpaca-validate') });
      await page.setViewportSize({ width: 1280, height: 800 });

      // Stored in the host's keychain, not in the page: a reload still shows the hint.
      await page.reload();
      await page.getByRole('button', { name: 'Settings' }).click();
      await expect.poll(() => page.getByTestId('alpaca-key-hint').textContent()).toBe(hint);

      await page.getByRole('button', { name: 'Remove' }).click();
      await expect.poll(() => page.getByLabel('API key id').count()).toBe(1);
      expect(await page.getByTestId('alpaca-key-hint').count()).toBe(0);
      expect(consoleErrors).toEqual([]);
      expect(host.output()).not.toContain(keys.secret);
    });
  },
);
