// An Alpaca paper session as a user runs it, in Chromium against host mode and the loopback fake Alpaca: save the keys,
// create a session on the paper account, press Start, read the account review (the account already holds AAPL),
// accept and start, then watch the fake's market move the run: bars on the chart, orders in the table.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeAlpaca, startFakeAlpaca } from '../../dev/fake-alpaca/server';
import { eventually, fakeAccount, minutesToNextBar } from '../integration/alpaca/alpaca-session-helpers';
import { sdk } from '../integration/alpaca/fake-alpaca-helpers';
import { launchChromium, screenshotPath } from '../support/browser';
import { type KeyringHost, keyringTools, startHostWithKeyring } from './keyring-host';

describe.skipIf(!keyringTools)(
  keyringTools
    ? 'an Alpaca paper session in the Sessions view (host mode, fake Alpaca, its own gnome-keyring)'
    : 'an Alpaca paper session in the Sessions view (skipped: dbus-run-session or gnome-keyring-daemon is not installed, so the host would have no OS keychain)',
  () => {
    let fake: FakeAlpaca;
    let host: KeyringHost;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    const controls = (): Locator => page.getByRole('toolbar', { name: 'Session controls' });
    const dataRows = (name: string) =>
      page.getByRole('table', { name }).locator('tbody').getByRole('row').count();

    beforeAll(async () => {
      // No request limit at the fake: the test moves its clock far faster than Alpaca's minutes.
      fake = await startFakeAlpaca({ seed: 11, rateLimitPerMinute: 0 });
      // Something to reconcile: the paper account already holds 5 AAPL, bought outside MarketBoss.
      await sdk(fake).trading.orders.market({
        symbol: 'AAPL',
        qty: 5,
        side: 'buy',
        clientOrderId: 'before-1',
      });
      fake.advance(1);
      await eventually('the fill', async () => (await fakeAccount(fake)).positions.length === 1);
      host = await startHostWithKeyring({ MARKETBOSS_ALPACA_TRADING_URL: fake.url });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(host.url);
    });
    afterAll(async () => {
      await browser?.close();
      await host?.stop();
      await fake?.close();
    });

    test('save keys, create on Alpaca paper, review the account, accept and start, see it trade', {
      timeout: 180_000,
    }, async () => {
      // Keys first: Settings → Alpaca.
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByLabel('API key id').fill(fake.keys.paper.keyId);
      await page.getByLabel('Secret key').fill(fake.keys.paper.secret);
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => page.getByTestId('alpaca-keys-notice').textContent())
        .toBe('Keys checked with Alpaca and stored in the OS keychain.');

      // The form: Alpaca paper, two symbols, a quick crossover so orders come within a few bars.
      await page.getByRole('button', { name: 'Sessions', exact: true }).click();
      await page.getByTestId('first-run').waitFor();
      await page.getByRole('radio', { name: /^Alpaca paper/ }).check();
      await expect.poll(() => page.getByText(/Keys PK…\w{4} saved · account ACTIVE/).count()).toBe(1);
      expect(await page.getByRole('radio', { name: /^Alpaca paper/ }).isChecked()).toBe(true);
      // The Alpaca market fields replace the synthetic ones (a failure here says what the page holds instead).
      await expect
        .poll(async () => ({
          speed: await page.getByLabel('Speed').count(),
          feed: await page
            .getByLabel('Data feed')
            .inputValue({ timeout: 1_000 })
            .catch((e: Error) => `no Data feed field: ${e.message.split('\n')[0]}`),
          pageErrors: [...pageErrors],
        }))
        .toEqual({ speed: 0, feed: 'iex', pageErrors: [] });
      await page.getByLabel('Name').fill('SMA on AAPL, MSFT (Alpaca paper)');
      await page.getByLabel('Symbols', { exact: true }).fill('AAPL, MSFT');
      await page.getByLabel(/^Fast/).fill('2');
      await page.getByLabel(/^Slow/).fill('3');
      await page.screenshot({ path: screenshotPath('sessions-alpaca-form') });
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await page.getByTestId('session-page').waitFor();
      expect(await page.getByTestId('session-page').getByTestId('venue-badge').textContent()).toBe(
        'Alpaca paper',
      );
      expect(await page.getByTestId('session-market').textContent()).toBe(
        'Alpaca IEX data · AAPL, MSFT · 1m · v1',
      );

      // Start: the account is checked first and the held AAPL must be accepted.
      await controls().getByRole('button', { name: 'Start' }).click();
      const review = page.getByRole('dialog', { name: 'Start on your Alpaca paper account' });
      await review.waitFor();
      const account = await review.getByLabel('Alpaca account').textContent();
      expect(account).toMatch(
        /^StatusACTIVECash\$[\d,]+\.\d\dEquity\$[\d,]+\.\d\dBuying power\$[\d,]+\.\d\d$/,
      );
      const position = review.locator('li[data-kind="position"]');
      expect(await position.textContent()).toMatch(/the account holds 5 AAPL at \$\d+\.\d\d/);
      expect(await review.getByRole('button', { name: 'Accept and start' }).isEnabled()).toBe(true);
      await page.screenshot({ path: screenshotPath('sessions-alpaca-reconcile') });

      await review.getByRole('button', { name: 'Accept and start' }).click();
      await review.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('session-status').textContent()).toBe('running');
      // The adopted position is the run's starting position.
      await expect.poll(() => page.getByTestId('open-positions').textContent()).toBe('1');
      expect(await page.getByTestId('market-status').textContent()).toBe('Alpaca market data · running');
      // NYSE's hours by the machine's clock (the fake's market has its own): open, or closed with the next open.
      await expect
        .poll(() => page.getByTestId('us-market').textContent())
        .toMatch(/^NYSE (open, closes|pre-market, opens|after hours, opens|closed.*, opens|weekend, opens) /);

      // The fake's market moves only when told: a trading minute at a time, until the run has traded (an order
      // decided on one bar fills in the fake's next minute).
      const lastBar = () => page.locator('.ss-chart .bt-chart-head .mb-num').last().textContent();
      const traded = async () => (await dataRows('Orders')) > 0 && (await dataRows('Fills')) > 0;
      for (let minute = 0; minute < 40 && !(await traded()); minute++) {
        const before = await lastBar();
        fake.advance(minutesToNextBar(fake.broker.now()));
        await expect.poll(lastBar, { timeout: 10_000 }).not.toBe(before);
      }
      expect(await dataRows('Orders')).toBeGreaterThan(0);
      expect(await dataRows('Fills')).toBeGreaterThan(0);
      expect(await lastBar()).toMatch(/^Last bar 2025-03-05 \d\d:\d\d UTC$/);
      await page.screenshot({ path: screenshotPath('sessions-alpaca-running') });

      // Validate on the page: the same checks as in Settings, for this session's symbols and capital.
      await controls().getByRole('button', { name: 'Validate' }).click();
      await page.getByTestId('alpaca-validation').waitFor();
      expect(await page.getByTestId('alpaca-check-keys').getAttribute('data-status')).toBe('pass');
      expect(await page.getByTestId('alpaca-check-asset:AAPL').getAttribute('data-status')).toBe('pass');
      expect(await page.getByTestId('alpaca-check-asset:MSFT').getAttribute('data-status')).toBe('pass');
      await page.getByTestId('session-validation').scrollIntoViewIfNeeded();
      await page.screenshot({ path: screenshotPath('sessions-alpaca-validate') });

      const html = await page.content();
      expect(html).not.toContain(fake.keys.paper.secret);
      expect(pageErrors).toEqual([]);
      expect(host.output()).not.toContain(fake.keys.paper.secret);
    });

    test('a backtest on Alpaca history: AAPL 5-minute bars of two days, results and chart', {
      timeout: 90_000,
    }, async () => {
      await page.getByRole('button', { name: 'Backtests' }).click();
      await page.getByRole('radio', { name: 'Alpaca history' }).check();
      await page.getByLabel('Symbols', { exact: true }).fill('AAPL');
      await page.locator('#bt-alpaca-timeframe').selectOption('5m');
      await page.getByLabel('First day (UTC)').fill('2025-03-03');
      await page.getByLabel('Last day (UTC)').fill('2025-03-04');
      await page.getByRole('button', { name: 'Run backtest' }).click();
      const results = page.getByTestId('backtest-results');
      await results.waitFor({ timeout: 30_000 });
      // Two regular sessions of 78 five-minute bars each.
      await expect
        .poll(() => page.getByTestId('chart-bar-count').textContent(), { timeout: 30_000 })
        .toBe('156 bars');
      const metrics = page.getByRole('table', { name: 'Metrics' });
      await expect.poll(() => metrics.getByRole('row').count()).toBeGreaterThan(15);
      expect(await page.getByText('data: Alpaca IEX history, 156 5m bars of AAPL').count()).toBeGreaterThan(
        0,
      );
      await expect.poll(() => page.locator('.bt-candles canvas').count()).toBeGreaterThan(0);
      await page.screenshot({ path: screenshotPath('backtests-alpaca'), fullPage: true });
      expect(pageErrors).toEqual([]);
    });
  },
);
