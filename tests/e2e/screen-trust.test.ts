// What the screen says, in real Chromium against host mode: forms name every refusal beside its field and say why a
// button is grey; tables never cut a number at 1280 and 1440 px; Flatten, Stop & flatten and Reset ask first.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotPath } from '../support/browser';
import { callHostApi, type RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

/** Screenshots to look at by hand go here as well (MARKETBOSS_SHOTS), besides test-results. */
const SHOTS = process.env.MARKETBOSS_SHOTS;
async function shot(page: Page, name: string, target?: Locator): Promise<void> {
  const paths = [screenshotPath(`trust-${name}`)];
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    paths.push(join(SHOTS, `${name}.png`));
  }
  for (const path of paths) await (target ?? page).screenshot({ path });
}

const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/**
 * Every number cell and header of a table whose text is cut (wider than its box), as "text (needs › has)".
 * Only the rows in the DOM are looked at: the table is virtualised, and the widths come from all rows.
 */
async function clippedCells(page: Page, table: string, cells = 'td.mb-num, th'): Promise<string[]> {
  return page.getByRole('table', { name: table }).evaluate(
    (element, selector) =>
      Array.from(
        element.querySelectorAll(selector) as unknown as ArrayLike<{
          scrollWidth: number;
          clientWidth: number;
          textContent: string | null;
        }>,
      )
        .filter((cell) => cell.scrollWidth > cell.clientWidth)
        .map((cell) => `${cell.textContent} (${cell.scrollWidth} › ${cell.clientWidth})`),
    cells,
  );
}

/**
 * Why a table needs a sideways scroll to show its last column (its scroll area is wider than its box), naming the
 * widths; null when it does not.
 */
async function sidewaysScroll(page: Page, table: string): Promise<string | null> {
  return page.getByRole('table', { name: table }).evaluate((element) => {
    const scroll = element.closest('.mb-table-scroll')!;
    if (scroll.scrollWidth <= scroll.clientWidth + 1) return null;
    const table = element.closest('.mb-table')!;
    const columns = table.ownerDocument.defaultView!.getComputedStyle(table).getPropertyValue('--mb-cols');
    return `${scroll.scrollWidth} › ${scroll.clientWidth}: ${columns}`;
  });
}

/** Lets the tables measure the new width (ResizeObserver, then a render). */
async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.waitForTimeout(300);
}

describe('what the screen says', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({
      view: 'Backtests',
      viewport: { width: 1440, height: 900 },
      errors: consoleErrors,
    }));
  });
  afterAll(() => closeWorkstation({ browser, host }));

  test('the backtest form: defaults pass the inputs’ own validity, fast ≥ slow is named beside Fast period as the user types, and Run says why it is grey', async () => {
    for (const id of ['bt-cash', 'bt-bars']) {
      expect(
        await page
          .locator(`#${id}`)
          .evaluate((i) => (i as unknown as { checkValidity(): boolean }).checkValidity()),
        id,
      ).toBe(true);
    }
    const run = page.getByRole('button', { name: 'Run backtest' });
    const fast = page.getByLabel(/^Fast period/);
    await fast.fill('40');

    // Checked by the strategy's own schema in main, shown beside the field, labelled as main labels it.
    const fastField = page.locator('.mb-field', { has: fast });
    await expect
      .poll(() => fastField.locator('.mb-field-error').textContent(), { timeout: 5_000 })
      .toMatch(/^must be less than the slow period \(\d+\)$/);
    expect(await fast.getAttribute('aria-invalid')).toBe('true');
    expect(await run.isDisabled()).toBe(true);
    expect(await run.getAttribute('title')).toMatch(
      /^Fast period: must be less than the slow period \(\d+\)$/,
    );
    expect(await page.locator('.bt-config [data-testid="submit-reason"]').textContent()).toMatch(
      /^Fast period: /,
    );
    await page.locator('.bt-config').evaluate((e) => {
      e.scrollTop = e.scrollHeight;
    });
    await shot(page, 'backtest-form-fast-slow-1440', page.locator('.bt-config'));

    // A negative starting cash, named beside the field.
    await fast.fill('5');
    await page.locator('#bt-cash').fill('-100');
    await expect.poll(() => run.getAttribute('title')).toBe('Starting cash: must be greater than 0');
    expect(await page.locator('#bt-cash-error').textContent()).toBe('Starting cash: must be greater than 0');
    await page.locator('#bt-cash').fill('100000');
    await expect.poll(() => run.isDisabled()).toBe(false);
    expect(await run.getAttribute('title')).toBeNull();
  });

  test('the new-session form: defaults valid in the browser, and a grey Create says why, beside the field', async () => {
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    const form = page.locator('details.ss-new');
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    for (const id of ['ss-new-speed', 'ss-new-cash']) {
      expect(
        await page
          .locator(`#${id}`)
          .evaluate((i) => (i as unknown as { checkValidity(): boolean }).checkValidity()),
        id,
      ).toBe(true);
    }
    const create = page.getByRole('button', { name: 'Create', exact: true });
    expect(await create.getAttribute('title')).toBe('Name the session');
    await page.locator('#ss-new-name').fill('SMA');
    await page.locator('#ss-new-cash').fill('-1');
    await expect.poll(() => create.getAttribute('title')).toBe('Starting cash: must be greater than 0');
    expect(await page.locator('#ss-new-cash-error').textContent()).toBe(
      'Starting cash: must be greater than 0',
    );
    for (const size of [...VIEWPORTS, { width: 1920, height: 1080 }]) {
      await resize(page, size);
      await shot(page, `new-session-form-${size.width}x${size.height}`, page.locator('.ss-side'));
    }
    await resize(page, { width: 1440, height: 900 });
    await page.locator('#ss-new-cash').fill('100000');
    await page.locator('#ss-new-name').fill('');
    await page.getByRole('button', { name: 'Backtests' }).click();
  });

  test('a backtest’s trades table cuts no number at 1280×720 and 1440×900', { timeout: 90_000 }, async () => {
    await page.getByRole('checkbox', { name: 'BOLT' }).check();
    await page.locator('#bt-bars').fill('2000');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-results').waitFor({ timeout: 60_000 });
    const trades = page.getByRole('table', { name: 'Trades' });
    await expect.poll(() => trades.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    for (const size of [...VIEWPORTS, { width: 1920, height: 1080 }]) {
      await resize(page, size);
      await page.locator('.bt-trades').scrollIntoViewIfNeeded();
      expect(await clippedCells(page, 'Trades'), `Trades at ${size.width}`).toEqual([]);
      // Less important columns gave way, so P&L is in view without scrolling sideways.
      expect(await sidewaysScroll(page, 'Trades'), `Trades at ${size.width}`).toBeNull();
      expect(await clippedCells(page, 'Backtest runs'), `runs at ${size.width}`).toEqual([]);
      await shot(page, `backtest-${size.width}x${size.height}`);
    }
    await resize(page, { width: 1440, height: 900 });
  });

  test('a run whose account refused orders: the metrics table keeps to its column and cuts no figure', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('button', { name: 'Backtests' }).click();
    const runs = page.getByRole('table', { name: 'Backtest runs' });
    const before = await runs.locator('tbody tr').count();
    // Too little cash for 50 shares: the simulated broker refuses the buys, and the report says why.
    await callHostApi(host, 'backtest:run', {
      data: { source: 'synthetic', symbols: ['ACME'], bars: 756, timeframe: '1D' },
      config: { cash: 3000, risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 50 } } },
    });
    // The newest run is listed first.
    await expect.poll(() => runs.locator('tbody tr').count(), { timeout: 30_000 }).toBe(before + 1);
    await expect
      .poll(() => runs.locator('tbody tr').first().textContent(), { timeout: 30_000 })
      .toContain('done');
    await runs.locator('tbody tr').first().click();
    await expect
      .poll(() => page.getByTestId('backtest-rejections').textContent(), { timeout: 15_000 })
      .toMatch(/insufficient cash/);
    for (const size of VIEWPORTS) {
      await resize(page, size);
      const overlap = await page.getByRole('table', { name: 'Metrics' }).evaluate((table) => {
        const chart = table.ownerDocument.querySelector('.bt-equity')!;
        return table.getBoundingClientRect().right - chart.getBoundingClientRect().left;
      });
      expect(overlap, `the metrics table runs under the chart at ${size.width}`).toBeLessThanOrEqual(0);
      expect(await clippedCells(page, 'Metrics', 'td'), `metrics at ${size.width}`).toEqual([]);
    }
    await shot(page, 'backtest-rejected-orders-1440x900');
  });

  test('a demo session’s fills, orders and positions cut no number at 1280×720 and 1440×900', {
    timeout: 150_000,
  }, async () => {
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    const rows = (name: string) => page.getByRole('table', { name }).locator('tbody tr').count();
    await expect.poll(() => rows('Fills'), { timeout: 90_000, interval: 500 }).toBeGreaterThan(0);

    for (const size of [...VIEWPORTS, { width: 1920, height: 1080 }]) {
      await resize(page, size);
      for (const table of ['Fills', 'Orders', 'Positions', 'Sessions']) {
        await page.getByRole('table', { name: table }).scrollIntoViewIfNeeded();
        expect(await clippedCells(page, table), `${table} at ${size.width}`).toEqual([]);
        expect(await sidewaysScroll(page, table), `${table} at ${size.width}`).toBeNull();
      }
      await page.evaluate('window.scrollTo(0, 0)');
      await shot(page, `session-${size.width}x${size.height}`);
      await page.getByRole('table', { name: 'Fills' }).scrollIntoViewIfNeeded();
      await shot(page, `session-tables-${size.width}x${size.height}`);
    }
    await resize(page, { width: 1440, height: 900 });
  });

  test('Flatten asks first: Escape cancels with nothing done, Enter confirms; paused, it says the flatten is queued', {
    timeout: 60_000,
  }, async () => {
    const controls = page.getByRole('toolbar', { name: 'Session controls' });
    const status = () => page.getByTestId('session-status').textContent();
    const dialog = page.getByRole('alertdialog');

    await controls.getByRole('button', { name: 'Flatten', exact: true }).click();
    await dialog.waitFor();
    // The dangerous button says what it does, and has the focus: Enter would confirm.
    const confirm = dialog.getByRole('button', { name: /^Flatten (\d+ positions?|anyway)$/ });
    expect(await confirm.evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
    // Tab stays inside the dialog.
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement))).toBe(true);
    await shot(page, 'confirm-flatten-1440');

    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);
    expect(await status()).toBe('running');
    expect(await page.getByText('flatten requested by the user').count()).toBe(0);

    // Paused: a synthetic market makes no bars, so the flatten waits for Resume and the screen says so.
    await controls.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(status, { timeout: 10_000 }).toBe('paused');
    await controls.getByRole('button', { name: 'Flatten', exact: true }).click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('the flatten is queued and runs when you press Resume');
    await shot(page, 'confirm-flatten-paused-1440');
    // Enter on the confirming button (it has the focus) goes ahead.
    await page.keyboard.press('Enter');
    expect(await dialog.count()).toBe(0);
    await page.getByText('Flatten queued: runs on Resume').waitFor({ timeout: 10_000 });
    await shot(page, 'flatten-queued-1440');

    await controls.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(status, { timeout: 10_000 }).toBe('running');
    await expect.poll(() => page.getByText('Flatten queued: runs on Resume').count()).toBe(0);

    // Stop & flatten asks too: Escape leaves it running; Enter stops it.
    await controls.getByRole('button', { name: 'Stop & flatten' }).click();
    await dialog.waitFor();
    expect(
      await dialog.getByRole('button', { name: /^(Stop and flatten \d+ positions?|Stop)$/ }).count(),
    ).toBe(1);
    await page.keyboard.press('Escape');
    expect(await status()).toBe('running');
    await controls.getByRole('button', { name: 'Stop & flatten' }).click();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: 30_000 }).toBe('stopped');
    expect(consoleErrors).toEqual([]);
  });
});
