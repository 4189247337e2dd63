// P&L by period in the backtest run view: a synthetic run's months, days, weeks and years as a heat map and a table.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess } from '../support/host-process';

/** Screenshots also go where the team looks at them, when that folder exists (the lab's notes). */
function shot(name: string): string {
  const path = screenshotPath(name);
  return path;
}
function keep(name: string): void {
  const notes = process.env.MARKETBOSS_SHOTS_DIR;
  if (notes === undefined) return;
  mkdirSync(notes, { recursive: true });
  copyFileSync(screenshotPath(name), join(notes, `${name}.png`));
}

describe('P&L by period of a backtest run', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    collectPageErrors(page, consoleErrors);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('a synthetic run shows its months as a heat map and table rows, and switches to days, weeks and years', async () => {
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-results').waitFor({ timeout: 60_000 });
    const section = page.getByTestId('pnl-periods');
    await section.scrollIntoViewIfNeeded();
    // Three years of daily bars open on months: 35 of them (756 weekdays from 2 January 2023).
    const table = section.getByRole('table', { name: 'P&L by month' });
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThan(5);
    expect(await table.getByRole('row').nth(1).textContent()).toMatch(/^2023-01[+-]?\$[\d,]+\.\d\d/);
    expect(await section.getByTestId('pnl-cell').count()).toBe(35);
    await section.screenshot({ path: shot('pnl-periods-month') });
    keep('pnl-periods-month');

    await section.getByRole('button', { name: 'Day' }).click();
    await expect.poll(() => section.getByTestId('pnl-cell').count()).toBe(756);
    expect(
      await section.getByRole('table', { name: 'P&L by day' }).getByRole('row').nth(1).textContent(),
    ).toMatch(/^2023-01-0\d/);
    await section.screenshot({ path: shot('pnl-periods-day') });
    keep('pnl-periods-day');

    await section.getByRole('button', { name: 'Week' }).click();
    await expect
      .poll(() => section.getByRole('table', { name: 'P&L by week' }).getByRole('row').nth(1).textContent())
      .toMatch(/^2023-W01/);
    await section.getByRole('button', { name: 'Year' }).click();
    await expect.poll(() => section.getByTestId('pnl-cell').count()).toBe(3);
    await section.screenshot({ path: shot('pnl-periods-year') });
    keep('pnl-periods-year');
    await page.screenshot({ path: shot('pnl-periods-run-view'), fullPage: true });
    keep('pnl-periods-run-view');
    expect(consoleErrors).toEqual([]);
  });
});
