import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { screenshotPath } from '../support/browser';
import type { RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

describe('backtests in the workstation, as a user runs them', () => {
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

  test("the strategy's indicators are drawn with a legend, and a checkbox toggles each one", async () => {
    const legend = page.locator('.bt-candles').getByRole('group', { name: 'Indicators' });
    // SMA crossover with fast 10 (set above) and slow 20: two overlays on the price pane.
    const fast = legend.getByRole('checkbox', { name: 'SMA 10' });
    const slow = legend.getByRole('checkbox', { name: 'SMA 20' });
    await expect.poll(() => fast.isChecked()).toBe(true);
    expect(await slow.isChecked()).toBe(true);
    // At rest the legend shows each line's value at the newest bar.
    await expect
      .poll(() => legend.locator('[data-ind-key]').first().textContent())
      .toMatch(/^\d[\d,]*\.\d\d$/);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('backtests-chart-indicators') });

    await fast.uncheck();
    expect(await fast.isChecked()).toBe(false);
    expect(await legend.locator('.mb-chart-ind.off').count()).toBe(1);
    expect(await legend.locator('[data-ind-key]').count()).toBe(1);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('backtests-chart-indicator-off') });
    await fast.check();
    await expect.poll(() => legend.locator('[data-ind-key]').count()).toBe(2);
    expect(consoleErrors).toEqual([]);
  });

  test('an intraday run: the timeframe switch aggregates the bars, the RSI gets a pane of its own', async () => {
    await page.locator('#bt-timeframe').selectOption('1m');
    // Three sessions of 390 one-minute bars.
    await page.locator('#bt-bars').fill('1170');
    await page.locator('#bt-strategy').selectOption('rsi');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const count = page.getByTestId('chart-bar-count');
    const timeframes = page.getByRole('group', { name: 'Chart timeframe' });
    await expect
      .poll(() => timeframes.getByRole('button').allTextContents(), { timeout: 30_000 })
      .toEqual(['1m', '5m', '15m', '1h', '1D']);
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe('1,170 bars');
    const legend = page.locator('.bt-candles').getByRole('group', { name: 'Indicators' });
    await expect.poll(() => legend.getByRole('checkbox', { name: 'RSI 14' }).isChecked()).toBe(true);
    await page.waitForTimeout(300);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('backtests-chart-1m-rsi') });

    await timeframes.getByRole('button', { name: '5m', exact: true }).click();
    await expect.poll(() => count.textContent()).toBe('234 bars');
    expect(
      await timeframes.getByRole('button', { name: '5m', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    await page.waitForTimeout(300);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('backtests-chart-5m') });

    // 1h buckets start at 09:30: six full hours and the 15:30 half hour per session.
    await timeframes.getByRole('button', { name: '1h', exact: true }).click();
    await expect.poll(() => count.textContent()).toBe('21 bars');
    await timeframes.getByRole('button', { name: '1D', exact: true }).click();
    await expect.poll(() => count.textContent()).toBe('3 bars');
    await page.waitForTimeout(300);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('backtests-chart-1d') });
    await timeframes.getByRole('button', { name: '1m', exact: true }).click();
    await expect.poll(() => count.textContent()).toBe('1,170 bars');
    expect(consoleErrors).toEqual([]);
  });
});
