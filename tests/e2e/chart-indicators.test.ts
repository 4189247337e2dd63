// Item 9 of #17: the trader's own indicators on the session chart (VWAP and RSI from the catalogue, computed in
// main), a price line placed with the tool whose alert fires when a bar closes across it, and both kept after a
// reload. Screenshots at three window sizes go to /work/notes/shots/chartind/ when it exists.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess } from '../support/host-process';

const SHOTS = '/work/notes/shots/chartind';
const shot = (name: string) =>
  existsSync(SHOTS) ? `${SHOTS}/${name}.png` : screenshotPath(`chartind-${name}`);

describe('indicators and price lines on the session chart', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const chartHost = () => page.locator('.ss-candles .mb-chart-host');
  const legendValue = (key: string) =>
    page.locator(`.ss-candles [data-ind-key="${key}"]`).textContent({ timeout: 2_000 });
  /** The newest close of ACME, from its chip in the chart's head. */
  const lastClose = async () => {
    const text = await page
      .locator('.ss-chart .bt-chart-head button.chip', { hasText: 'ACME' })
      .textContent();
    return Number((text ?? '').replace(/[^0-9.]/g, ''));
  };
  const lineAlerts = () => page.locator('section[aria-label="Alerts"]', { hasText: 'your line' });

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    collectPageErrors(page, errors);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await page.getByText('running', { exact: true }).first().waitFor({ timeout: 15_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('VWAP and RSI added from the picker draw their lines beside the strategy’s', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('button', { name: 'Indicators' }).click();
    const panel = page.getByRole('group', { name: 'Your indicators on the session chart' });
    await panel.getByLabel('Indicator to add').selectOption('vwap');
    await panel.getByRole('button', { name: 'Add' }).click();
    await panel.getByLabel('Indicator to add').selectOption('rsi');
    await expect.poll(() => panel.getByLabel('Period').inputValue()).toBe('14');
    await panel.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => panel.locator('li').allTextContents()).toEqual(['VWAPRemove', 'RSI 14Remove']);
    // A bad setting is refused in words, nothing added.
    await panel.getByLabel('Indicator to add').selectOption('sma');
    await panel.getByLabel('Period').fill('0');
    await panel.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toBe('a period is at least 1 bar');
    await page.screenshot({ path: shot('session-picker-1440x900') });
    await page.getByRole('button', { name: 'Indicators (2)' }).click();

    // Main's values at the newest bar, in the legend beside the strategy's SMAs.
    await expect.poll(() => legendValue('mine-vwap::VWAP'), { timeout: 15_000 }).toMatch(/^\d[\d,]*\.\d{2}$/);
    await expect
      .poll(() => legendValue('mine-rsi-14-70-30::RSI 14'), { timeout: 15_000 })
      .toMatch(/^\d{1,3}\.\d{2}$/);
    const rsi = Number(await legendValue('mine-rsi-14-70-30::RSI 14'));
    expect(rsi).toBeGreaterThanOrEqual(0);
    expect(rsi).toBeLessThanOrEqual(100);
    expect(await page.locator('.ss-candles .mb-chart-ind').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('SMA'),
        expect.stringContaining('VWAP'),
        expect.stringContaining('RSI 14'),
      ]),
    );
    // The lines keep up with the live bars (asked of main again as bars arrive).
    const before = await legendValue('mine-vwap::VWAP');
    await expect.poll(() => legendValue('mine-vwap::VWAP'), { timeout: 20_000 }).not.toBe(before);
  });

  test('a price line placed with the tool alerts when a bar closes across it', {
    timeout: 120_000,
  }, async () => {
    await page.getByRole('button', { name: '+ Price line' }).click();
    const box = (await chartHost().boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.3);
    const price = page.getByLabel(/^Price of the line at /);
    await expect.poll(() => price.count(), { timeout: 10_000 }).toBe(1);
    expect(Number(await price.inputValue())).toBeGreaterThan(0);
    expect(await page.getByLabel(/^Alert on the line at /).isChecked()).toBe(true);
    await expect.poll(() => chartHost().getAttribute('data-user-lines')).toMatch(/^\d+(\.\d+)?!$/);

    // Moved a hair above the last close, again while price runs away from it, until a bar closes across it.
    for (let attempt = 0; attempt < 8 && (await lineAlerts().count()) === 0; attempt++) {
      const close = await lastClose();
      await price.fill((close + 0.01).toFixed(2));
      await price.press('Enter');
      await expect
        .poll(() => lineAlerts().count(), { timeout: 12_000 })
        .toBeGreaterThan(0)
        .catch(() => undefined);
    }
    const alert = page.locator('section[aria-label="Alerts"] li', { hasText: 'your line' }).first();
    await expect
      .poll(() => alert.textContent(), { timeout: 5_000 })
      .toMatch(
        /ACME crossed (above|below) your line at \d+\.\d{2}: closed at \d+\.\d{2}, the bar before at \d+\.\d{2}/,
      );
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'your line' }).count(), { timeout: 5_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: shot('session-alert-1440x900') });
  });

  test('a price line dragged on the chart moves to the price where it is let go', {
    timeout: 60_000,
  }, async () => {
    // Paused, so the price scale stays still under the pointer.
    await page.getByRole('button', { name: 'Pause', exact: true }).first().click();
    await expect
      .poll(() => page.getByTestId('session-status').textContent(), { timeout: 15_000 })
      .toBe('paused');
    const price = page.getByLabel(/^Price of the line at /);
    const before = Number(await price.inputValue());
    const box = (await chartHost().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await expect.poll(() => chartHost().getAttribute('data-user-lines-y')).toMatch(/^\d+$/);
    const y = Number(await chartHost().getAttribute('data-user-lines-y'));
    const x = box.x + box.width * 0.3;
    await page.mouse.move(x, box.y + y);
    await page.mouse.down();
    await page.mouse.move(x, box.y + y + 20, { steps: 4 });
    await page.mouse.move(x, box.y + y + 40, { steps: 4 });
    await page.mouse.up();
    // Lower on the screen is a lower price; main stored it (the input reads it back).
    await expect.poll(async () => Number(await price.inputValue()), { timeout: 10_000 }).toBeLessThan(before);
    const moved = Number(await price.inputValue());
    await expect.poll(() => chartHost().getAttribute('data-user-lines')).toBe(`${moved}!`);
    await page.getByRole('button', { name: 'Resume', exact: true }).first().click();
  });

  test('a reload keeps the indicators and the price line', { timeout: 60_000 }, async () => {
    const linePrice = await page.getByLabel(/^Price of the line at /).inputValue();
    await page.reload();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await expect.poll(() => legendValue('mine-vwap::VWAP'), { timeout: 15_000 }).toMatch(/^\d[\d,]*\.\d{2}$/);
    await expect.poll(() => legendValue('mine-rsi-14-70-30::RSI 14'), { timeout: 15_000 }).toMatch(/\d/);
    await expect
      .poll(() => page.getByLabel(/^Price of the line at /).inputValue(), { timeout: 10_000 })
      .toBe(linePrice);
    await expect.poll(() => chartHost().getAttribute('data-user-lines')).toBe(`${Number(linePrice)}!`);
    // Removing an indicator takes its line off the chart and out of the workspace.
    await page.getByRole('button', { name: 'Indicators (2)' }).click();
    await page.getByRole('button', { name: 'Remove RSI 14' }).click();
    await expect
      .poll(() => page.locator('.ss-candles [data-ind-key="mine-rsi-14-70-30::RSI 14"]').count())
      .toBe(0);
    await page.getByRole('button', { name: 'Remove VWAP' }).click();
    await page.getByLabel('Indicator to add').selectOption('rsi');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByLabel('Indicator to add').selectOption('vwap');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('button', { name: 'Indicators (2)' }).click();
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await expect.poll(() => legendValue('mine-vwap::VWAP'), { timeout: 15_000 }).toMatch(/\d/);
      await page.waitForTimeout(800); // the chart follows its new size on the next frames
      await page.screenshot({ path: shot(`session-${width}x${height}`) });
    }
    expect(errors).toEqual([]);
  });

  test('the backtest chart keeps its own indicators, at the timeframe shown', {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'Backtests', exact: true }).click();
    await page.locator('#bt-timeframe').selectOption('1m');
    await page.locator('#bt-bars').fill('1170');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const count = page.getByTestId('chart-bar-count');
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe('1,170 bars');
    // The session chart's indicators stay on the session chart.
    await expect.poll(() => page.getByRole('button', { name: 'Indicators', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Indicators', exact: true }).click();
    const panel = page.getByRole('group', { name: 'Your indicators on the backtest chart' });
    await panel.getByLabel('Indicator to add').selectOption('vwap');
    await panel.getByRole('button', { name: 'Add' }).click();
    await panel.getByLabel('Indicator to add').selectOption('macd');
    await panel.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('button', { name: 'Indicators (2)' }).click();
    const value = (key: string) =>
      page.locator(`.bt-candles [data-ind-key="${key}"]`).textContent({ timeout: 2_000 });
    await expect.poll(() => value('mine-vwap::VWAP'), { timeout: 15_000 }).toMatch(/^\d[\d,]*\.\d{2}$/);
    await expect.poll(() => value('mine-macd-12-26-9::MACD'), { timeout: 15_000 }).toMatch(/\d/);
    // On 1h bars the indicators are computed over the hourly bars, not sampled from the minutes: 21 hours are too
    // few for MACD 12/26/9, so it has no value, while VWAP still has one.
    await page
      .getByRole('group', { name: 'Chart timeframe' })
      .getByRole('button', { name: '1h', exact: true })
      .click();
    await expect.poll(() => count.textContent()).toBe('21 bars');
    await expect.poll(() => value('mine-macd-12-26-9::MACD'), { timeout: 15_000 }).toBe('—');
    expect(await value('mine-vwap::VWAP')).toMatch(/^\d[\d,]*\.\d{2}$/);
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot('backtest-1440x900') });
    expect(errors).toEqual([]);
  });
});
