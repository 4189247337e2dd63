// Two backtests compared side by side, the keyboard help, the workspace remembered across a reload, and a CSV file
// as the data source — as a user does it, in Chromium against host mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess } from '../support/host-process';

const READ = ['Total return', 'Sharpe', 'Max drawdown', 'Trades', 'Fees', 'End equity'] as const;
type Figures = Record<(typeof READ)[number], string>;

/** A metric as the tables write it, as a number: "+12.34%" → 12.34, "-$1,234.50" → -1234.5. */
const numberIn = (text: string): number => Number(text.replace(/[$,%\s]|pp/g, ''));

describe('comparing backtests, the keyboard help and the remembered workspace', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let csvDir: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    collectPageErrors(page, consoleErrors);
    csvDir = mkdtempSync(join(tmpdir(), 'marketboss-csv-'));
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Backtests' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(csvDir, { recursive: true, force: true });
  });

  /** Runs a backtest from the form as it stands and returns its own metrics, read from its results table. */
  async function runAndRead(): Promise<Figures> {
    const runsTable = page.getByRole('table', { name: 'Backtest runs' });
    const before = await runsTable.locator('tbody tr').count();
    await page.getByRole('button', { name: 'Run backtest' }).click();
    // The new run is listed first, selected, and done; only then are the results on screen its own.
    const newest = runsTable.locator('tbody tr').first();
    await expect
      .poll(
        async () =>
          (await runsTable.locator('tbody tr').count()) === before + 1 &&
          ((await newest.getAttribute('class')) ?? '').includes('mb-selected') &&
          ((await newest.textContent()) ?? '').includes('done'),
        { timeout: 30_000 },
      )
      .toBe(true);
    const metrics = page.getByTestId('backtest-results').getByRole('table', { name: 'Metrics' });
    await metrics.waitFor({ timeout: 30_000 });
    const figures = {} as Figures;
    for (const label of READ) {
      const cells = metrics.getByRole('row', { name: label, exact: false }).first().getByRole('cell');
      figures[label] = (await cells.first().textContent()) ?? '';
    }
    return figures;
  }

  let runA: Figures;
  let runB: Figures;

  test('two runs, compared: their own figures side by side with B − A, both curves, the settings that differ', async () => {
    runA = await runAndRead();
    await page.getByLabel('Fast', { exact: false }).first().fill('10');
    await page.locator('.bt-config summary', { hasText: 'Fills and costs' }).click();
    await page.getByLabel('Slippage bps', { exact: false }).first().fill('5');
    runB = await runAndRead();

    await page.getByRole('button', { name: 'Compare two runs' }).click();
    const compare = page.getByTestId('backtest-compare');
    const table = compare.getByRole('table', { name: 'Metrics of run A and run B' });
    await table.waitFor();
    // The older run is A, the newer B, so B − A reads as what the change did.
    for (const label of READ) {
      const cells = await table
        .getByRole('row', { name: label, exact: false })
        .first()
        .getByRole('cell')
        .allTextContents();
      expect(cells.slice(0, 2), label).toEqual([runA[label], runB[label]]);
    }
    const returnCells = await table
      .getByRole('row', { name: 'Total return' })
      .getByRole('cell')
      .allTextContents();
    const points = numberIn(runB['Total return']) - numberIn(runA['Total return']);
    expect(numberIn(returnCells[2]!)).toBeCloseTo(points, 1);
    expect(returnCells[2]).toMatch(/^[+-]?\d[\d,]*\.\d\d pp$/);
    const equityCells = await table
      .getByRole('row', { name: 'End equity' })
      .getByRole('cell')
      .allTextContents();
    expect(numberIn(equityCells[2]!)).toBeCloseTo(
      numberIn(runB['End equity']) - numberIn(runA['End equity']),
      1,
    );

    await expect.poll(() => compare.locator('.bt-compare-equity canvas').count()).toBeGreaterThan(0);
    const diff = compare.getByRole('table', { name: 'Settings that differ' });
    const fast = await diff.getByRole('row', { name: /Fast/ }).getByRole('cell').allTextContents();
    expect(fast).toEqual(['Strategy', '5', '10', '']);
    const slippage = await diff
      .getByRole('row', { name: /Slippage bps/ })
      .getByRole('cell')
      .allTextContents();
    expect(slippage).toEqual(['Fills and costs', '0', '5', 'bps']);
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshotPath('backtests-compare'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  test('the workspace survives a reload: the Backtests view, the comparison and its two runs', async () => {
    const picked = await page.locator('#bt-compare-a').inputValue();
    // Saving waits for a quiet moment; give it one before reloading.
    await page.waitForTimeout(800);
    await page.reload();
    await page.getByTestId('backtest-compare').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'Compare two runs' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    // The picker fills in once the runs list has loaded after the reload.
    await expect.poll(() => page.locator('#bt-compare-a').inputValue(), { timeout: 5_000 }).toBe(picked);
    await page.getByRole('table', { name: 'Metrics of run A and run B' }).waitFor();
    expect(
      await page.locator('.bt-config details', { hasText: 'Fills and costs' }).getAttribute('open'),
    ).not.toBeNull();
  });

  test('"?" opens the keyboard help: a labelled modal dialog that keeps focus and lists every shortcut', async () => {
    await page.getByRole('heading', { name: 'New backtest' }).click(); // focus on the page, not in a field
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    const text = (await dialog.textContent()) ?? '';
    for (const action of [
      'Open Overview',
      'Open Sessions',
      'Open Backtests',
      'Open Settings',
      'Open Research',
      'Start the active session',
    ]) {
      expect(text).toContain(action);
    }
    expect(await dialog.locator('kbd').allTextContents()).toEqual(
      expect.arrayContaining(['Alt', '1', '2', '3', '4', '5', 'S', '?', 'F1', 'Esc']),
    );
    // Focus starts on Close and Tab cannot leave the dialog.
    expect(await page.locator(':focus').getAttribute('aria-label')).toBe('Close keyboard shortcuts');
    for (const key of ['Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await dialog.locator(':focus').count(), key).toBe(1);
    }
    // The app's own shortcuts wait while the help is open.
    await page.keyboard.press('Alt+1');
    expect(await page.locator('.sidebar .nav.active').textContent()).toBe('Backtests');
    await page.screenshot({ path: screenshotPath('help-overlay') });

    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await page.keyboard.press('F1');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close keyboard shortcuts' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    // Typing "?" into a field types it.
    await page.locator('#bt-cash').focus();
    await page.keyboard.press('?');
    expect(await dialog.count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });

  test('a CSV file as the data source: a bad row is refused with its line and field, a good file runs', async () => {
    const rows = ['date,open,high,low,close,volume'];
    let price = 100;
    for (let day = 0; day < 300; day++) {
      const date = new Date(Date.UTC(2022, 0, 3) + day * 86_400_000).toISOString().slice(0, 10);
      const open = price;
      price = Math.max(5, price * (1 + Math.sin(day / 9) * 0.02 + 0.001));
      rows.push(
        `${date},${open.toFixed(2)},${(Math.max(open, price) + 1).toFixed(2)},${(Math.min(open, price) - 1).toFixed(2)},${price.toFixed(2)},${1000 + day}`,
      );
    }
    const good = join(csvDir, 'wave.csv');
    writeFileSync(good, `${rows.join('\n')}\n`);
    const bad = join(csvDir, 'broken.csv');
    writeFileSync(bad, `${rows.slice(0, 5).join('\n')}\n2022-02-01,10,9,8,9.5,100\n`);

    await page.getByRole('button', { name: 'Compare two runs' }).click(); // back to single runs
    await page.getByRole('radio', { name: 'CSV file' }).check();
    await page.getByLabel('File path').fill('wave.csv');
    // Said beside the data fields, and beside the greyed-out Run button as its reason.
    await expect.poll(() => page.locator('.bt-data-problem').textContent()).toMatch(/full path of the file/);
    expect(await page.getByRole('button', { name: 'Run backtest' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Run backtest' }).getAttribute('title')).toMatch(
      /full path of the file/,
    );

    await page.getByLabel('File path').fill(bad);
    expect(await page.getByLabel('Symbol', { exact: true }).getAttribute('placeholder')).toBe('BROKEN');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const refusal = page.getByTestId('backtest-run-error');
    await expect.poll(() => refusal.textContent()).toMatch(/broken\.csv line 6, field high: /);
    await page.locator('.bt-config').screenshot({ path: screenshotPath('backtests-csv-error') });

    await page.getByLabel('File path').fill(good);
    await page.locator('.bt-data').screenshot({ path: screenshotPath('backtests-csv-form') });
    await runAndRead();
    expect(await refusal.count()).toBe(0);
    await expect.poll(() => page.getByTestId('chart-bar-count').textContent()).toBe('300 bars');
    await page.screenshot({ path: screenshotPath('backtests-csv'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
