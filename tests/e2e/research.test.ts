// The research lab as a user runs it, in Chromium against host mode: an optimisation on synthetic data from the
// Research view (its cells table and heat map), its best cell opened as a backtest, a walk-forward with its folds
// and out-of-sample equity, and a Monte Carlo on a finished backtest with its fan chart.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotPath } from '../support/browser';
import type { RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

describe('the research lab in the workstation', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({
      view: 'Research',
      viewport: { width: 1440, height: 900 },
      errors: consoleErrors,
    }));
  });
  afterAll(() => closeWorkstation({ browser, host }));

  /** Waits until the selected run's results (by test id) show, and the list says it is done; a refusal or a failed
   * run ends the wait with its words. */
  async function waitForResults(testId: string): Promise<void> {
    const refused = page.getByTestId('research-run-error').or(page.getByTestId('research-status'));
    await page.getByTestId(testId).or(refused).first().waitFor({ timeout: 150_000 });
    if (await refused.count())
      throw new Error(`the run did not finish: ${await refused.first().textContent()}`);
    await expect
      .poll(() => page.getByRole('table', { name: 'Research runs' }).getByText('done').count())
      .toBeGreaterThan(0);
  }

  test('an optimisation runs on synthetic data: the cell count, progress, every cell in a table, a heat map', async () => {
    const form = page.getByRole('region', { name: 'New research' });
    await form.getByLabel('Bars per symbol').fill('600');
    await form.getByLabel('Fast period values').fill('5,8,10,12');
    await form.getByLabel('Slow period: values or range').selectOption('range');
    await form.getByLabel('Slow period from').fill('20');
    await form.getByLabel('Slow period to').fill('65');
    await form.getByLabel('Slow period step').fill('5');
    await expect.poll(() => page.getByTestId('research-cells').textContent()).toBe('40 cells');
    await page.screenshot({ path: screenshotPath('research-optimise-form') });
    await page.getByRole('button', { name: 'Run optimisation' }).click();

    await waitForResults('optimize-results');
    const cells = page.getByRole('table', { name: 'Cells' });
    // A header row and 40 cells (the table is virtualised: at least the visible ones are rows).
    await expect.poll(() => cells.getByRole('row').count()).toBeGreaterThan(10);
    await expect.poll(() => cells.locator('tr.mb-selected').textContent()).toContain('★ best');
    expect(await page.getByTestId('best-cells').getByRole('listitem').count()).toBeGreaterThan(0);
    const heat = page.getByTestId('heat-map');
    await heat.waitFor();
    expect(await heat.getAttribute('aria-label')).toBe('Heat map of Sharpe by fast and slow');
    const box = await heat.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    // Hovering a square shows its figures.
    await heat.hover({ position: { x: 90, y: 30 } });
    await expect.poll(() => page.getByRole('tooltip').textContent()).toMatch(/fast \d+ · slow \d+/);
    await page.screenshot({ path: screenshotPath('research-optimise-results'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  test('the best cell opens as a backtest with its parameters', async () => {
    const picked = (await page.locator('.rs-actions strong').textContent()) ?? '';
    const [, fast, slow] = /fast (\d+) · slow (\d+)/.exec(picked) ?? [];
    expect(fast).toBeDefined();
    await page.getByRole('button', { name: 'Open as backtest' }).click();
    await page.getByTestId('backtest-results').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('button', { name: 'Backtests' }).getAttribute('aria-current')).toBe('page');
    // The candle chart's indicators are the cell's averages.
    const legend = page.locator('.bt-candles').getByRole('group', { name: 'Indicators' });
    await expect.poll(() => legend.getByRole('checkbox', { name: `SMA ${fast}` }).count()).toBe(1);
    expect(await legend.getByRole('checkbox', { name: `SMA ${slow}` }).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('research-opened-backtest') });
    await page.getByRole('button', { name: 'Research' }).click();
  });

  test('a walk-forward runs: folds with dates and chosen parameters, the stitched OOS equity, the efficiency', async () => {
    await page.getByRole('tab', { name: 'Walk-forward' }).click();
    const form = page.getByRole('region', { name: 'New research' });
    await form.getByLabel('Bars per symbol').fill('1000');
    await form.getByLabel('Fast period values').fill('5,10');
    // The form keeps the optimisation's rows: the slow period back to a list of values.
    await form.getByLabel('Slow period: values or range').selectOption('values');
    await form.getByLabel('Slow period values').fill('20,40');
    await form.getByLabel('Unit', { exact: true }).selectOption('bars');
    await form.getByLabel('Train', { exact: true }).fill('300');
    await form.getByLabel('Test', { exact: true }).fill('100');
    await expect.poll(() => page.getByTestId('research-cells').textContent()).toBe('4 cells per fold');
    await page.screenshot({ path: screenshotPath('research-walk-forward-form') });
    await page.getByRole('button', { name: 'Run walk-forward' }).click();

    await waitForResults('walk-forward-results');
    const folds = page.getByRole('table', { name: 'Folds' });
    // (1000 − 300) / 100 = 7 folds (rolling), each with its dates and chosen fast/slow.
    await expect.poll(() => folds.getByRole('row').count()).toBeGreaterThan(3);
    expect(await folds.getByRole('row').nth(1).textContent()).toMatch(/\d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d/);
    expect(await page.getByTestId('wf-efficiency').textContent()).toMatch(/^(-?\d+\.\d\d|undefined)$/);
    await expect.poll(() => page.locator('.rs-oos canvas').count()).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: 'Parameter stability' }).getByRole('row').count()).toBe(3);
    await page.screenshot({ path: screenshotPath('research-walk-forward-results'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  test('a Monte Carlo on the finished backtest draws its fan chart, percentiles and ruin probability', async () => {
    await page.getByRole('tab', { name: 'Monte Carlo' }).click();
    const form = page.getByRole('region', { name: 'New research' });
    // The backtest opened from the optimisation is the one on offer.
    await expect
      .poll(() => form.getByLabel('Backtest', { exact: true }).locator('option').count())
      .toBeGreaterThan(0);
    await form.getByLabel('Runs', { exact: true }).fill('2000');
    await page.screenshot({ path: screenshotPath('research-monte-carlo-form') });
    await page.getByRole('button', { name: 'Run Monte Carlo' }).click();

    await waitForResults('monte-carlo-results');
    const fan = page.getByTestId('fan-chart');
    await fan.waitFor();
    expect((await fan.boundingBox())?.height).toBeGreaterThan(150);
    const median = page.getByRole('table', { name: 'Percentiles' }).getByRole('row', { name: /Median/ });
    expect(await median.textContent()).toMatch(/Median\$[\d,]+\.\d\d\d+\.\d\d%/);
    expect(await page.getByTestId('ruin-text').textContent()).toMatch(/runs/);
    await page.screenshot({ path: screenshotPath('research-monte-carlo-results'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  }, 180_000);
});
