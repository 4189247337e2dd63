// Up to four backtests compared side by side, the keyboard help, the workspace remembered across a reload, and a CSV file
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

  /** The run list's row of the run that was run `nth` (1 = the first run; the list shows the newest first). */
  const rowOfRun = async (nth: number) => {
    const rows = page.getByRole('table', { name: 'Backtest runs' }).locator('tbody tr');
    return rows.nth((await rows.count()) - nth);
  };

  const runs: Figures[] = [];

  test('four runs compared: a column per run with B, C and D against A, a curve each, the settings that differ; a fifth is refused', async () => {
    runs.push(await runAndRead());
    await page.getByLabel('Fast', { exact: false }).first().fill('10');
    await page.locator('.bt-config summary', { hasText: 'Fills and costs' }).click();
    await page.getByLabel('Slippage bps', { exact: false }).first().fill('5');
    runs.push(await runAndRead());
    for (const fast of ['8', '12', '15']) {
      await page.getByLabel('Fast', { exact: false }).first().fill(fast);
      runs.push(await runAndRead());
    }

    await page.getByRole('button', { name: 'Compare runs' }).click();
    const compare = page.getByTestId('backtest-compare');
    // It opens on the newest run against the one before; the user clears both and ticks the first four runs.
    await compare.getByRole('table', { name: 'Metrics of run A and run B' }).waitFor();
    await compare.getByRole('button', { name: 'Remove run B from the comparison' }).click();
    await compare.getByRole('button', { name: 'Remove run A from the comparison' }).click();
    await expect.poll(() => compare.getByTestId('compare-pick').count()).toBe(0);
    for (const nth of [1, 2, 3, 4]) {
      await (await rowOfRun(nth)).getByRole('checkbox').check();
    }
    expect(await (await rowOfRun(3)).getByRole('checkbox').isChecked()).toBe(true);
    expect(await (await rowOfRun(3)).locator('.mb-table-tick').textContent()).toBe('Run C');

    const table = compare.getByRole('table', { name: 'Metrics of runs A, B, C and D' });
    await table.waitFor();
    for (const label of READ) {
      const cells = await table
        .getByRole('row', { name: label, exact: false })
        .first()
        .getByRole('cell')
        .allTextContents();
      expect(cells.slice(0, 4), label).toEqual(runs.slice(0, 4).map((run) => run[label]));
    }
    const returnCells = await table
      .getByRole('row', { name: 'Total return' })
      .getByRole('cell')
      .allTextContents();
    const equityCells = await table
      .getByRole('row', { name: 'End equity' })
      .getByRole('cell')
      .allTextContents();
    for (const i of [1, 2, 3]) {
      // Each later run against A: the return in percentage points, the end equity in dollars.
      const points = numberIn(runs[i]!['Total return']) - numberIn(runs[0]!['Total return']);
      expect(numberIn(returnCells[3 + i]!)).toBeCloseTo(points, 1);
      expect(returnCells[3 + i]).toMatch(/^[+-]?\d[\d,]*\.\d\d pp$/);
      const dollars = numberIn(runs[i]!['End equity']) - numberIn(runs[0]!['End equity']);
      expect(numberIn(equityCells[3 + i]!)).toBeCloseTo(dollars, 1);
    }

    await expect.poll(() => compare.locator('.bt-compare-equity canvas').count()).toBeGreaterThan(0);
    expect(await compare.locator('.bt-compare-equity .mb-chart-legend-key').allTextContents()).toEqual([
      'A',
      'B',
      'C',
      'D',
    ]);
    const diff = compare.getByRole('table', { name: 'Settings that differ' });
    const fast = await diff.getByRole('row', { name: /Fast/ }).getByRole('cell').allTextContents();
    expect(fast).toEqual(['Strategy', '5', '10', '8', '12', '']);
    const slippage = await diff
      .getByRole('row', { name: /Slippage bps/ })
      .getByRole('cell')
      .allTextContents();
    expect(slippage).toEqual(['Fills and costs', '0', '5', '5', '5', 'bps']);

    // The fifth tick is refused in words, and the four stay.
    await (await rowOfRun(5)).getByRole('checkbox').click();
    await expect
      .poll(() => compare.getByTestId('compare-notice').textContent())
      .toMatch(/was not added: at most 4 runs can be compared at once\. Untick one first\./);
    expect(await (await rowOfRun(5)).getByRole('checkbox').isChecked()).toBe(false);
    expect(await compare.getByTestId('compare-pick').count()).toBe(4);
    await page.waitForTimeout(300);
    await page.screenshot({ path: screenshotPath('backtests-compare-4'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  test('the workspace survives a reload: the Backtests view, the comparison and its four runs in order', async () => {
    const picked = await page.getByTestId('compare-pick').allTextContents();
    // Saving waits for a quiet moment; give it one before reloading.
    await page.waitForTimeout(800);
    await page.reload();
    await page.getByTestId('backtest-compare').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'Compare runs' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    // The picks fill in once the runs list has loaded after the reload.
    await expect
      .poll(() => page.getByTestId('compare-pick').allTextContents(), { timeout: 5_000 })
      .toEqual(picked);
    await page.getByRole('table', { name: 'Metrics of runs A, B, C and D' }).waitFor();
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

    await page.getByRole('button', { name: 'Compare runs' }).click(); // back to single runs
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
