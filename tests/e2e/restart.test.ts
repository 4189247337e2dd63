// The workstation restarted under an open tab, in Chromium against host mode: the demo started from the Overview,
// the host killed and started again on the same port (a new token), the old tab saying so with its controls off,
// and the new address showing the run recovered with what was replayed.
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess, tempDataDir } from '../support/host-process';

describe('a host restart under an open tab', () => {
  const dataDir = tempDataDir('marketboss-restart-');
  let host: RunningHost;
  let browser: Browser;
  let oldTab: Page;

  beforeAll(async () => {
    host = await startHostProcess({ dataDir });
    browser = await launchChromium();
    oldTab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the Overview offers the demo as a button; it starts the session', { timeout: 60_000 }, async () => {
    const errors: string[] = [];
    collectPageErrors(oldTab, errors);
    await oldTab.goto(host.url);
    const offer = oldTab.getByTestId('overview-demo');
    await offer.getByRole('button', { name: 'Try the simulated demo' }).click();
    await oldTab.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => oldTab.getByTestId('session-status').textContent(), { timeout: 15_000 })
      .toBe('running');
    // Some bars in the ledger to replay.
    await expect
      .poll(async () => ((await oldTab.getByTestId('feed-status').count()) > 0 ? 'bars' : 'none'), {
        timeout: 15_000,
      })
      .toBe('bars');
    expect(errors).toEqual([]);
  });

  test('killed and started on the same port: the old tab says it restarted and its controls are off', {
    timeout: 60_000,
  }, async () => {
    const port = new URL(host.url).port;
    const exited = new Promise((done) => host.process.once('exit', done));
    host.process.kill('SIGKILL');
    await exited;
    host = await startHostProcess({ dataDir, args: ['--port', port] });

    await expect
      .poll(() => oldTab.getByTestId('connection-state').textContent(), { timeout: 30_000 })
      .toBe('Workstation restarted — open the new address it printed');
    expect(await oldTab.getByTestId('offline-banner').textContent()).toMatch(
      /^The workstation restarted; open the new address it printed/,
    );
    // The header still reads running (the last state known), but its Stop cannot be pressed.
    const topStop = oldTab.getByTestId('top-bar-session').getByRole('button', { name: 'Stop', exact: true });
    expect(await topStop.isDisabled()).toBe(true);
    const pageStop = oldTab.getByRole('toolbar', { name: 'Session controls' }).getByRole('button', {
      name: 'Stop',
      exact: true,
    });
    expect(await pageStop.isDisabled()).toBe(true);
    await oldTab.screenshot({ path: screenshotPath('restart-old-tab') });
  });

  test('the new address shows the run recovered, with what was replayed', { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    const notice = page.getByTestId('recovery-notice');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toMatch(
      /^Recovered after a restart .* UTC — replayed [\d,]+ bars \([\d,]+ bar times\) and 0 journal entries from the ledger; the rebuilt account matches it\./,
    );
    await page.screenshot({ path: screenshotPath('restart-recovered') });
  });
});
