import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess } from '../support/host-process';

describe('backtests in the workstation, as a user runs them', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('an out-of-bounds strategy parameter shows its message and disables Run', async () => {
    const fast = page.getByLabel('Fast', { exact: false }).first();
    await fast.fill('0');
    await expect.poll(() => page.getByText(/must be at least 1/).count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Run backtest' }).isDisabled()).toBe(true);
    await fast.fill('10');
    await expect.poll(() => page.getByRole('button', { name: 'Run backtest' }).isDisabled()).toBe(false);
    await page.screenshot({ path: screenshotPath('backtests-form') });
  });

  test('a backtest runs, and its metrics, equity curve, chart with trade markers and trades appear', async () => {
    await page.getByRole('checkbox', { name: 'BOLT' }).check();
    await page.getByRole('button', { name: 'Run backtest' }).click();

    const results = page.getByTestId('backtest-results');
    await results.waitFor({ timeout: 30_000 });
    const metrics = page.getByRole('table', { name: 'Metrics' });
    await expect.poll(() => metrics.getByRole('row').count()).toBeGreaterThan(15);
    const totalReturn = await metrics.getByRole('row', { name: /Total return/ }).textContent();
    expect(totalReturn).toMatch(/Total return[+-]?\d+\.\d\d%[+-]?\d+\.\d\d%/);
    // Charts draw into canvases; the candle chart and the equity chart are both there.
    await expect.poll(() => page.locator('.bt-candles canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.bt-equity canvas').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByRole('table', { name: 'Trades' }).getByRole('row').count())
      .toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('backtests-results'), fullPage: true });

    await page.getByRole('button', { name: 'BOLT', exact: true }).click();
    await page.waitForTimeout(300);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('backtests-chart-bolt') });
    expect(consoleErrors).toEqual([]);
  });
});
