// A shadow session on the session page (host mode, fake Alpaca, its own gnome-keyring): the Alpaca run beside its
// simulator twin — both equity curves, the totals and the per-fill attribution table; the form's checkbox.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeAlpaca, startFakeAlpaca } from '../../dev/fake-alpaca/server';
import type { ShadowView } from '../../src/shared/domain/shadow';
import { minutesToNextBar } from '../integration/alpaca/alpaca-session-helpers';
import { launchChromium, screenshotPath } from '../support/browser';
import { callHostApi, type RunningHost } from '../support/host-process';
import { type KeyringHost, keyringTools, startHostWithKeyring } from './keyring-host';

const SHOTS = process.env.PARITY_SHOTS;

describe.skipIf(!keyringTools)('a shadow session on the session page', () => {
  let fake: FakeAlpaca;
  let host: KeyringHost;
  let api: RunningHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // A thin book: orders fill over several minutes, so timing and partial fills show in the attribution.
    fake = await startFakeAlpaca({ seed: 11, rateLimitPerMinute: 0, fillParticipation: 0.002 });
    host = await startHostWithKeyring({ MARKETBOSS_ALPACA_TRADING_URL: fake.url });
    // callHostApi needs only the page's URL (token) and origin.
    api = { url: host.url, origin: new URL(host.url).origin } as RunningHost;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1400 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await fake?.close();
  });

  test('the run, its twin, the attribution', { timeout: 180_000 }, async () => {
    await callHostApi(api, 'credentials:save', fake.keys.paper);
    const { id: sessionId } = await callHostApi<{ id: string }>(api, 'session:create', {
      name: 'Shadow — SMA crossover on AAPL, MSFT',
      config: {
        symbols: ['AAPL', 'MSFT'],
        venueKind: 'alpaca-paper',
        feed: { kind: 'alpaca', feed: 'iex' },
        strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
        cash: 100_000,
        shadow: true,
      },
    });
    await callHostApi(api, 'session:start', { sessionId, accept: true });
    const view = () => callHostApi<ShadowView>(api, 'session:shadow', { sessionId });
    for (let minute = 0; minute < 40 && (await view()).totals.paired < 6; minute++) {
      const before = (await view()).twin.time.length;
      fake.advance(minutesToNextBar(fake.broker.now()));
      await expect
        .poll(async () => (await view()).twin.time.length, { timeout: 10_000 })
        .toBeGreaterThan(before);
    }
    const expected = await view();
    expect(expected.totals.paired).toBeGreaterThan(0);

    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByTestId('session-page').waitFor();
    const panel = page.getByRole('region', { name: 'Simulator twin' });
    await panel.getByRole('table', { name: 'Fill attribution' }).waitFor();
    await expect
      .poll(() => panel.getByRole('table', { name: 'Fill attribution' }).locator('tbody tr').count())
      .toBe(expected.rows.length);
    expect(await panel.getByTestId('shadow-source').textContent()).toMatch(/runs beside the run/);
    await expect.poll(() => panel.locator('.shadow-chart canvas').count()).toBeGreaterThan(0);
    await panel.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await panel.screenshot({ path: screenshotPath('shadow-session') });
    if (SHOTS) await panel.screenshot({ path: `${SHOTS}/shadow-view.png` });

    // The form's Alpaca section offers the twin, with its hint.
    await page.getByText('New session').click();
    await page
      .getByRole('radio', { name: /^Alpaca paper/ })
      .first()
      .check();
    const box = page.getByRole('checkbox', { name: 'Simulator twin' }).first();
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    await box.scrollIntoViewIfNeeded();
    if (SHOTS) await page.locator('.ss-side').screenshot({ path: `${SHOTS}/shadow-form.png` });
    expect(pageErrors).toEqual([]);
  });
});
