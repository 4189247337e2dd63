// Replay parity from the session page: a stopped run with a user's flatten; the button replays it and shows the
// verdict, the counts and the differences with their reason chips (here: manual).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ParityReport } from '../../src/shared/domain/research';
import type { SessionSnapshot } from '../../src/shared/domain/session';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { callHostApi, type RunningHost, startHostProcess } from '../support/host-process';

/** Where the screenshots a reviewer looks at go as well (besides test-results). */
const SHOTS = process.env.PARITY_SHOTS;

describe('replay parity on the session page', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1300 } });
    collectPageErrors(page, consoleErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('a stopped run replays; a flatten by the user is listed as manual', { timeout: 120_000 }, async () => {
    const { id: sessionId } = await callHostApi<{ id: string }>(host, 'session:create', {
      name: 'Parity — SMA crossover on ACME, BOLT',
      config: { symbols: ['ACME', 'BOLT'], feed: { kind: 'synthetic-live', speed: 6_000 } },
    });
    await callHostApi(host, 'session:start', { sessionId });
    const snapshot = () => callHostApi<SessionSnapshot>(host, 'session:get', { sessionId });
    await expect
      .poll(async () => (await snapshot()).positions.some((p) => p.qty !== 0), { timeout: 30_000 })
      .toBe(true);
    await callHostApi(host, 'session:flatten', { sessionId });
    await expect.poll(async () => (await snapshot()).fills.length, { timeout: 60_000 }).toBeGreaterThan(10);
    await callHostApi(host, 'session:stop', { sessionId, flatten: false });
    await expect.poll(async () => (await snapshot()).session.status, { timeout: 15_000 }).toBe('stopped');
    const expected = await callHostApi<ParityReport>(host, 'session:replay-parity', { sessionId });

    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    const panel = page.getByRole('region', { name: 'Replay parity' });
    await panel.getByRole('button', { name: 'Replay parity' }).click();
    await expect.poll(() => panel.getByTestId('parity-verdict').textContent()).toBe(expected.verdict);
    const rows = panel.getByRole('table', { name: 'Parity differences' }).locator('tbody tr');
    expect(await rows.count()).toBe(expected.differences.length);
    expect(await rows.first().locator('.parity-chip').textContent()).toBe('Manual');
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: screenshotPath('replay-parity') });
    if (SHOTS) await panel.screenshot({ path: `${SHOTS}/replay-parity.png` });
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/replay-parity-page.png`, fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
