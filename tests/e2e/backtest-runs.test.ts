// Run management as a user does it, in Chromium against host mode: runs named by their parameters; one renamed,
// tagged and pinned goes to the top and is found by its tag; its tearsheet downloads as one HTML file that opens
// in the browser with nothing fetched.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess } from '../support/host-process';

const SIZES = [
  [1280, 720],
  [1440, 900],
  [1920, 1080],
] as const;

describe('backtest runs: names, labels, pins, filters and the tearsheet', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    collectPageErrors(page, consoleErrors);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const runsTable = () => page.getByRole('table', { name: 'Backtest runs' });
  const names = async () => runsTable().locator('tbody tr').locator('td:first-child').allTextContents();

  async function runBacktest(): Promise<void> {
    const before = await runsTable().locator('tbody tr').count();
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await expect
      .poll(
        async () =>
          (await runsTable().locator('tbody tr').count()) === before + 1 &&
          (await page.getByTestId('backtest-results').count()) > 0,
        { timeout: 30_000 },
      )
      .toBe(true);
  }

  test('runs are named by their parameters; one renamed, tagged and pinned heads the list and is found by its tag', async () => {
    await runBacktest();
    await page.getByLabel('Fast', { exact: false }).first().fill('10');
    await runBacktest();
    await page.getByLabel('Fast', { exact: false }).first().fill('8');
    await runBacktest();
    await expect
      .poll(names, { timeout: 10_000 })
      .toEqual(['SMA 8/20 · ACME · 1D', 'SMA 10/20 · ACME · 1D', 'SMA 5/20 · ACME · 1D']);

    // The oldest run: renamed, tagged, noted, then pinned.
    await runsTable().locator('tbody tr').nth(2).click();
    await page.locator('#bt-run-name').fill('Baseline 5/20');
    await page.locator('#bt-run-tags').fill('baseline, keep');
    await page.locator('#bt-run-note').fill('the one to beat');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(names).toContain('Baseline 5/20');
    await page.getByRole('button', { name: '☆ Pin' }).click();
    await expect.poll(async () => (await names())[0]).toBe('★ Baseline 5/20');

    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      await page.screenshot({ path: screenshotPath(`runs-list-${width}x${height}`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByLabel('Filter by tag').selectOption('baseline');
    await expect.poll(names).toEqual(['★ Baseline 5/20']);
    expect(await page.getByTestId('bt-run-count').textContent()).toBe('1 of 3');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Find runs by name', { exact: false }).fill('10/20');
    await expect.poll(names).toEqual(['SMA 10/20 · ACME · 1D']);
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(async () => (await names()).length).toBe(3);

    // Kept across a reload: the labels are stored in main.
    await page.reload();
    await page.getByRole('button', { name: 'Backtests' }).click();
    await expect.poll(async () => (await names())[0], { timeout: 10_000 }).toBe('★ Baseline 5/20');
    expect(consoleErrors).toEqual([]);
  });

  test('the comparison still opens under the filter bar; the pinned run is ticked as a third', async () => {
    await page.getByRole('button', { name: 'Compare runs' }).click();
    const compare = page.getByTestId('backtest-compare');
    await compare.getByRole('table', { name: 'Metrics of run A and run B' }).waitFor();
    const pinned = runsTable().locator('tbody tr', { hasText: 'Baseline 5/20' });
    await pinned.getByRole('checkbox').check();
    await compare.getByRole('table', { name: 'Metrics of runs A, B and C' }).waitFor();
    expect(await compare.getByTestId('compare-pick').nth(2).textContent()).toContain('Baseline 5/20');
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      await page.screenshot({ path: screenshotPath(`runs-compare-${width}x${height}`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'Compare runs' }).click();
    expect(consoleErrors).toEqual([]);
  });

  test('the Tearsheet button downloads one self-contained HTML file that opens in Chromium', async () => {
    await runsTable().locator('tbody tr').first().click();
    await page.getByTestId('backtest-results').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tearsheet' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('baseline-5-20-tearsheet.html');
    // Saved under its own name, as the browser would: the .html tells Chromium how to open it.
    const path = join(mkdtempSync(join(tmpdir(), 'marketboss-tearsheet-')), download.suggestedFilename());
    await download.saveAs(path);
    const html = readFileSync(path, 'utf8');
    expect(html).not.toMatch(/<script|src="http|href="http|<link/i);
    const endEquity = await page
      .getByTestId('backtest-results')
      .getByRole('table', { name: 'Metrics' })
      .getByRole('row', { name: 'End equity' })
      .getByRole('cell')
      .first()
      .textContent();
    // The view writes "$101,234.56"; the tearsheet "101,234.56", the CLI's format.
    expect(html).toContain(endEquity!.replace(/^\$/, ''));

    const sheet = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const requests: string[] = [];
    sheet.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await sheet.goto(`file://${path}`);
    expect(await sheet.locator('h1').textContent()).toBe('Baseline 5/20');
    expect(await sheet.locator('svg').count()).toBe(2);
    expect(
      await sheet.getByRole('table', { name: 'Monthly returns' }).locator('tbody tr').count(),
    ).toBeGreaterThanOrEqual(3);
    expect(requests).toEqual([]);
    await sheet.screenshot({ path: screenshotPath('runs-tearsheet'), fullPage: true });
    await sheet.close();
    expect(consoleErrors).toEqual([]);
  });
});
