// The chart-centred session page: panes the user sizes and folds (restored after a reload), the full-width chart,
// follow live, the zoom kept across pushes, the wheel that scrolls the page until the chart is clicked, and the
// page keys listed in the help. Screenshots at three window sizes go to /work/notes/shots/layout/ when it exists.
import { existsSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { type RunningHost, startHostProcess } from '../support/host-process';

const SHOTS = '/work/notes/shots/layout';
const shot = (name: string) =>
  existsSync(SHOTS) ? `${SHOTS}/${name}.png` : screenshotPath(`layout-${name}`);

describe('the session page is the chart', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const status = () => page.getByTestId('session-status').textContent();
  const chartHost = (): Locator => page.locator('.ss-candles .mb-chart-host');
  const chartRegion = (): Locator => page.locator('.ss-candles .mb-chart');
  /** The time of the bar at the chart's left edge and how many bars wide the view is. */
  const visibleTimes = async () =>
    `${await chartHost().getAttribute('data-visible-from')} ${await chartHost().getAttribute('data-visible-bars')}`;
  const visibleBars = async () => Number((await chartHost().getAttribute('data-visible-bars')) ?? Number.NaN);
  const lastBarText = () => page.locator('.ss-chart .bt-chart-head .muted.small.mb-num').textContent();
  const scrollTop = () => page.locator('.ss-main').evaluate((el) => el.scrollTop);
  const separator = (title: string) => page.getByRole('separator', { name: `Resize ${title}` });
  const paneSize = async (title: string) => Number(await separator(title).getAttribute('aria-valuenow'));
  /** Waits for `count` more bars to reach the chart's head. */
  const barsArrive = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const before = await lastBarText();
      await expect.poll(lastBarText, { timeout: 15_000, interval: 100 }).not.toBe(before);
    }
  };

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    collectPageErrors(page, errors);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('the chart takes most of the window at 1440×900', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await expect.poll(status, { timeout: 15_000 }).toBe('running');
    await expect.poll(visibleTimes, { timeout: 20_000 }).toMatch(/^\d+ \d+\.\d+$/);
    const box = await chartRegion().boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(450);
  });

  test('a resized pane and a folded one are restored after a reload', { timeout: 60_000 }, async () => {
    const before = await paneSize('Chart');
    const handle = await separator('Chart').boundingBox();
    const x = handle!.x + handle!.width / 3;
    const y = handle!.y + handle!.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, y - 60, { steps: 4 });
    await page.mouse.move(x, y - 100, { steps: 4 });
    await page.mouse.up();
    const dragged = await paneSize('Chart');
    expect(dragged).toBe(before - 100);
    const sideBefore = await paneSize('Sessions');
    await separator('Sessions').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await paneSize('Sessions')).toBe(sideBefore + 32);
    await page.getByRole('button', { name: 'Hide Alerts' }).click();
    await page.getByRole('button', { name: 'Show Alerts' }).waitFor();
    await page.waitForTimeout(1_000); // the workspace is saved after 400 ms of quiet

    await page.reload();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await expect.poll(() => paneSize('Chart'), { timeout: 10_000 }).toBe(dragged);
    expect(await paneSize('Sessions')).toBe(sideBefore + 32);
    await page.getByRole('button', { name: 'Show Alerts' }).waitFor();
    expect(await page.getByRole('region', { name: 'Alerts' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show Alerts' }).click();
    await page.getByRole('region', { name: 'Alerts' }).waitFor();
    await expect.poll(visibleTimes, { timeout: 20_000 }).toMatch(/^\d+ \d+\.\d+$/);
  });

  test('full-width mode: the list and the equity curve step aside, F toggles it', async () => {
    const narrow = (await chartRegion().boundingBox())!.width;
    await page.getByRole('button', { name: 'Full width' }).click();
    await expect.poll(() => page.getByRole('complementary', { name: 'Sessions' }).count()).toBe(0);
    expect(await page.locator('.ss-equity').count()).toBe(0);
    const wide = (await chartRegion().boundingBox())!;
    expect(wide.width).toBeGreaterThan(narrow + 300);
    expect(wide.width).toBeGreaterThan(1440 - 168 - 80);
    await page.screenshot({ path: shot('full-width-1440x900') });
    await page.locator('.ss-head h2').first().click(); // not a text field: the key goes to the page
    await page.keyboard.press('f');
    await page.getByRole('complementary', { name: 'Sessions' }).waitFor();
    expect(await page.getByRole('button', { name: 'Full width' }).getAttribute('aria-pressed')).toBe('false');
  });

  test('follow live on follows the new bars; off keeps the visible range', { timeout: 90_000 }, async () => {
    const follow = page.getByRole('button', { name: 'Follow live' });
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    const following = await visibleTimes();
    await barsArrive(2);
    await expect.poll(visibleTimes, { timeout: 10_000 }).not.toBe(following);

    await follow.click();
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    await page.waitForTimeout(300);
    const held = await visibleTimes();
    await barsArrive(4);
    expect(await visibleTimes()).toBe(held);

    // L turns it back on: the chart jumps to the newest bar and follows again.
    await page.locator('.ss-head h2').first().click();
    await page.keyboard.press('l');
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(visibleTimes, { timeout: 10_000 }).not.toBe(held);
  });

  test('the wheel scrolls the page until the chart is clicked; then it zooms, and the zoom stays', async () => {
    await page.locator('.ss-head h2').first().click(); // focus off the chart
    const box = (await chartRegion().boundingBox())!;
    const bars = await visibleBars();
    const top = await scrollTop();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 300);
    await expect.poll(scrollTop, { timeout: 5_000 }).toBeGreaterThan(top);
    expect(await visibleBars()).toBe(bars);

    await page.locator('.ss-main').evaluate((el) => {
      el.scrollTop = 0;
    });
    const again = (await chartRegion().boundingBox())!;
    await page.mouse.click(again.x + again.width / 2, again.y + again.height / 2);
    const still = await scrollTop();
    await page.mouse.wheel(0, -400); // zoom in
    await expect.poll(visibleBars, { timeout: 5_000 }).toBeLessThan(bars);
    expect(await scrollTop()).toBe(still);
    const zoomed = await visibleBars();
    // Pushes keep coming: the zoom (bars in view) is what the user set.
    await barsArrive(4);
    expect(await visibleBars()).toBeCloseTo(zoomed, 1);
  });

  test('page keys: timeframe, symbol, pause/resume, flatten with confirmation, filter', {
    timeout: 60_000,
  }, async () => {
    const head = page.locator('.ss-chart .bt-chart-head');
    const pressed = (name: string) =>
      head.getByRole('button', { name, exact: true }).getAttribute('aria-pressed');
    await page.locator('.ss-head h2').first().click();
    await page.keyboard.press(']');
    await page.getByRole('region', { name: 'ACME 5m live chart' }).waitFor();
    await page.keyboard.press('[');
    await page.getByRole('region', { name: 'ACME 1m live chart' }).waitFor();
    await page.keyboard.press('.');
    await page.getByRole('region', { name: 'BOLT 1m live chart' }).waitFor();
    await page.keyboard.press(',');
    await page.getByRole('region', { name: 'ACME 1m live chart' }).waitFor();
    expect(await pressed('1m')).toBe('true');

    await page.keyboard.press('Alt+p');
    await expect.poll(status, { timeout: 10_000 }).toBe('paused');
    await page.keyboard.press('Alt+p');
    await expect.poll(status, { timeout: 10_000 }).toBe('running');

    await page.keyboard.press('Alt+x');
    const dialog = page.getByRole('alertdialog', { name: /^Flatten/ });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await status()).toBe('running');

    await page.keyboard.press('/');
    expect(await page.locator(':focus').getAttribute('type')).toBe('search');
    await page.keyboard.type('x'); // a key typed into the filter is not a page key
    await page.keyboard.press('Escape');
  });

  test('every new key is listed in the help', async () => {
    await page.locator('.ss-head h2').first().click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const text = (await help.textContent()) ?? '';
    for (const action of [
      'Pause the shown session, or resume it',
      'Flatten the shown session (asks first)',
      'Next coarser timeframe',
      'Next finer timeframe',
      'Next symbol',
      'Previous symbol',
      'Full-width chart on or off',
      'Follow live on or off',
      'Focus the filter of the first table on the page',
    ]) {
      expect(text).toContain(action);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  test('the backtest view: the chart pane is sized like the session page and kept after a reload', {
    timeout: 90_000,
  }, async () => {
    await page.getByRole('button', { name: 'Backtests', exact: true }).click();
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-results').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.bt-candles canvas').count()).toBeGreaterThan(0);
    const before = await paneSize('Chart');
    await separator('Chart').focus();
    await page.keyboard.press('Shift+ArrowDown'); // five steps of 16 px
    expect(await paneSize('Chart')).toBe(before + 80);
    const pane = (await page.locator('[data-pane="bt-chart"]').boundingBox())!;
    expect(Math.round(pane.height)).toBe(before + 80);
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.getByTestId('backtest-results').waitFor({ timeout: 30_000 });
    await expect.poll(() => paneSize('Chart'), { timeout: 10_000 }).toBe(before + 80);
    await page.getByTestId('backtest-results').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('backtests-1440x900') });
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await expect.poll(visibleTimes, { timeout: 20_000 }).toMatch(/^\d+ \d+\.\d+$/);
  });

  test('screenshots at 1280×720, 1440×900 and 1920×1080', { timeout: 60_000 }, async () => {
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.locator('.ss-main').evaluate((el) => {
        el.scrollTop = 0;
      });
      await page.waitForTimeout(600);
      const box = (await chartRegion().boundingBox())!;
      expect(box.width).toBeGreaterThan(width * 0.4);
      await page.screenshot({ path: shot(`session-${width}x${height}`) });
    }
    expect(errors).toEqual([]);
  });
});
