import { resolve } from 'node:path';
import { _electron, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { version } from '../../package.json';
import { electronBinary } from '../../scripts/electron-runtime.mjs';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess, tempDataDir } from '../support/host-process';

describe('the workstation shell in Chromium against host mode', () => {
  let host: RunningHost;
  let browser: Browser;

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('opens on the host URL, shows the version from app:info and a live connection', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    collectPageErrors(page, consoleErrors);

    await page.goto(host.url);

    await expect.poll(() => page.getByTestId('app-version').textContent()).toBe(`v${version}`);
    await expect.poll(() => page.getByTestId('connection-state').textContent()).toBe('Connected');
    await expect.poll(() => page.getByTestId('app-facts').textContent()).toContain(host.dataDir);
    // The token leaves the address bar once read, so a screenshot or a shared URL does not carry it.
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: screenshotPath('shell-overview') });
    expect(consoleErrors).toEqual([]);
  });

  test('a setting changed in the UI is stored in SQLite and survives a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light');
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.screenshot({ path: screenshotPath('shell-settings-light') });
  });

  test('the page without the token cannot reach the API and says which address to open', async () => {
    const page = await browser.newPage();
    await page.goto(host.origin);
    await expect
      .poll(() => page.getByTestId('connection-state').textContent())
      .toBe('No token in this address — open the one the workstation printed');
    expect(await page.getByTestId('app-version').textContent()).toBe('…');
  });
});

const electron = electronBinary();
describe('the same shell through Electron', () => {
  test.skipIf(electron === null)(
    'opens the desktop window with the version from app:info (skipped: no Electron runtime installed on this machine)',
    async () => {
      const app = await _electron.launch({
        executablePath: electron!,
        args: [resolve(__dirname, '../../out/main/index.js'), `--user-data-dir=${tempDataDir()}`],
      });
      try {
        const window = await app.firstWindow();
        await expect.poll(() => window.getByTestId('app-version').textContent()).toBe(`v${version}`);
        await window.screenshot({ path: screenshotPath('electron-shell') });
      } finally {
        await app.close();
      }
    },
  );
});
