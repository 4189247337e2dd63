// A Phase 4D SPY puts backtest from the Backtests form, as a trader runs it: the preset, the SPY file, the VIX file,
// Run; then the figures in words, the price source and settlement rule, the option trades with each contract named —
// in Chromium against host mode. Screenshots under /work/notes/shots/optui when MARKETBOSS_SHOTS is set.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writePhase4dFiles } from '../support/phase4d-fixture';
import { closeWorkstation, openWorkstation, type Workstation } from '../support/workstation';

const SHOTS = process.env['MARKETBOSS_SHOTS'];
async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

describe('Phase 4D options backtest from the UI', () => {
  let ws: Workstation;
  let fileDir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    fileDir = mkdtempSync(join(tmpdir(), 'marketboss-optui-e2e-'));
    ws = await openWorkstation({ view: 'Backtests', viewport: { width: 1280, height: 800 }, errors });
  });
  afterAll(async () => {
    await closeWorkstation(ws ?? {});
    rmSync(fileDir, { recursive: true, force: true });
  });

  test('the form offers the run, follows the preset with the cash and names what is missing', async () => {
    const { page } = ws;
    await page.getByRole('radio', { name: 'Phase 4D SPY puts (options)' }).check();
    const form = page.getByRole('group', { name: 'Phase 4D SPY puts' });
    await expect.poll(() => page.getByLabel('Starting cash').inputValue()).toBe('2000');
    await page.getByLabel('Preset').selectOption('25k');
    await expect.poll(() => page.getByLabel('Starting cash').inputValue()).toBe('25000');
    await expect.poll(() => form.getByTestId('options-preset').textContent()).toContain('25 contracts');
    await page.getByLabel('Preset').selectOption('2k');
    await page.getByRole('textbox', { name: 'SPY bars file', exact: false }).fill('SPY_5m.csv');
    await expect
      .poll(() => form.getByTestId('options-problem').textContent())
      .toContain('SPY bars file: give the full path');
    expect(await page.getByRole('button', { name: 'Run backtest' }).isDisabled()).toBe(true);
    await shot(page, 'form-problem');
    await form.locator('summary', { hasText: 'Strategy parameters' }).click();
    await shot(page, 'form-params');
    await form.locator('summary', { hasText: 'Strategy parameters' }).click();
  });

  test('a 2K run with a VIX file: figures, the rules, the trades with contracts in words', async () => {
    const { page } = ws;
    const files = writePhase4dFiles(fileDir);
    await page.getByRole('textbox', { name: 'SPY bars file', exact: false }).fill(files.spy);
    await page.getByRole('textbox', { name: 'VIX history file' }).fill(files.vix);
    await shot(page, 'form');
    await page.getByRole('button', { name: 'Run backtest' }).click();

    const results = page.getByTestId('options-results');
    await results.waitFor({ timeout: 60_000 });
    const figures = results.getByRole('table', { name: 'Options figures' });
    const figure = async (label: string) =>
      (await figures.getByRole('row', { name: label }).getByRole('cell').textContent()) ?? '';
    expect(await figure('Execution rate')).toMatch(/^\d+(\.\d+)?% — traded \d+ of 8 days$/);
    expect(await figure('Skipped days')).toContain('VIX above the limit 1');
    expect(await figure('Daily P&L')).toContain('vs target $34.38');
    expect(await figure('Costs')).toMatch(/of premium paid/);
    await expect
      .poll(() => results.getByTestId('options-rules').textContent())
      .toContain('synthetic option prices');
    expect(await results.getByTestId('options-rules').textContent()).toContain(
      'cash-settled at intrinsic value',
    );

    const trades = page.getByRole('table', { name: 'Option trades' });
    await expect.poll(() => trades.locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(1);
    const first = (await trades.locator('tbody tr').first().textContent()) ?? '';
    expect(first).toMatch(/SPY 2025-01-\d\d \d+ P/);
    await page.waitForTimeout(500);
    await shot(page, 'results');
    expect(await trades.getByRole('columnheader', { name: /SPY at entry/ }).count()).toBe(1);
    await trades.locator('tbody tr').first().click();
    await page.waitForTimeout(300);
    await shot(page, 'results-trade-picked');
    await page.locator('.bt-candles').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await shot(page, 'results-chart');
    expect(errors).toEqual([]);
  });

  test('a VIX file that misses a day the data needs is refused before a run, naming the day', async () => {
    const { page } = ws;
    const short = mkdtempSync(join(fileDir, 'short-'));
    const { writeFileSync } = await import('node:fs');
    const files = writePhase4dFiles(short);
    writeFileSync(files.vix, 'DATE,OPEN,HIGH,LOW,CLOSE\n01/06/2025,16,16,16,16\n');
    await page.getByRole('textbox', { name: 'VIX history file' }).fill(files.vix);
    await page.getByRole('textbox', { name: 'SPY bars file', exact: false }).fill(files.spy);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const banner = page.getByTestId('backtest-run-error');
    await expect
      .poll(() => banner.textContent(), { timeout: 20_000 })
      .toContain('no VIX close for 2025-01-07');
    expect(await banner.textContent()).toMatch(/^VIX history file: /);
    // Under its field too, marked.
    const vixField = page.getByRole('textbox', { name: 'VIX history file' });
    expect(await vixField.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'refused-vix');
  });
});
