// P&L by period in the backtest run view: a synthetic run's months, days, weeks and years as a heat map and a table.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotPath } from '../support/browser';
import type { RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

/** Screenshots are also copied to MARKETBOSS_SHOTS_DIR when it is set (where the team looks at them). */
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
    ({ host, browser, page } = await openWorkstation({
      view: 'Backtests',
      viewport: { width: 1440, height: 1000 },
      errors: consoleErrors,
    }));
  });
  afterAll(() => closeWorkstation({ browser, host }));

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
    await section.screenshot({ path: screenshotPath('pnl-periods-month') });
    keep('pnl-periods-month');

    await section.getByRole('button', { name: 'Day' }).click();
    await expect.poll(() => section.getByTestId('pnl-cell').count()).toBe(756);
    expect(
      await section.getByRole('table', { name: 'P&L by day' }).getByRole('row').nth(1).textContent(),
    ).toMatch(/^2023-01-0\d/);
    await section.screenshot({ path: screenshotPath('pnl-periods-day') });
    keep('pnl-periods-day');

    await section.getByRole('button', { name: 'Week' }).click();
    await expect
      .poll(() => section.getByRole('table', { name: 'P&L by week' }).getByRole('row').nth(1).textContent())
      .toMatch(/^2023-W01/);
    await section.getByRole('button', { name: 'Year' }).click();
    await expect.poll(() => section.getByTestId('pnl-cell').count()).toBe(3);
    await section.screenshot({ path: screenshotPath('pnl-periods-year') });
    keep('pnl-periods-year');
    await page.screenshot({ path: screenshotPath('pnl-periods-run-view'), fullPage: true });
    keep('pnl-periods-run-view');
    expect(consoleErrors).toEqual([]);
  });

  test('the session page shows the running demo’s P&L by day', { timeout: 90_000 }, async () => {
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    const section = page.getByTestId('pnl-periods');
    await section.waitFor({ timeout: 30_000 });
    const table = section.getByRole('table', { name: 'P&L by day' });
    await expect
      .poll(() => table.locator('tbody').getByRole('row').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(await table.locator('tbody').getByRole('row').first().textContent()).toMatch(/^\d{4}-\d\d-\d\d/);
    // For the picture: give the demo time to trade, so the day's P&L is not zero (not required: fills are random).
    await expect
      .poll(() => table.locator('tbody').getByRole('row').first().textContent(), { timeout: 40_000 })
      .not.toMatch(/\$0\.00/)
      .catch(() => {});
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: screenshotPath('pnl-periods-session') });
    keep('pnl-periods-session');
    expect(consoleErrors).toEqual([]);
  });
});
