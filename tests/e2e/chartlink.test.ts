// Trades ↔ chart (#17 item 2): clicking a trade, fill or order row scrolls the chart to it and emphasises its
// entry and exit (joined by a line when closed); hovering a marker highlights its row. On a finished backtest and on
// a running simulator session. The chart exposes what it shows as data attributes on its host (bar open times in
// epoch ms): data-visible-from/-to, data-focus-bars (entry and exit bars), data-focus-line, data-focus-x.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium, screenshotPath } from '../support/browser';
import { callHostApi, type RunningHost, startHostProcess } from '../support/host-process';

interface ChartView {
  readonly from: number;
  readonly to: number;
  readonly focus: readonly number[];
  readonly line: string | null;
  readonly x: number | null;
}

async function chartView(host: Locator): Promise<ChartView> {
  const read = (name: string) => host.getAttribute(name);
  const focus = (await read('data-focus-bars')) ?? '';
  const x = await read('data-focus-x');
  return {
    from: Number(await read('data-visible-from')),
    to: Number(await read('data-visible-to')),
    focus: focus === '' ? [] : focus.split(' ').map(Number),
    line: await read('data-focus-line'),
    x: x === null ? null : Number(x),
  };
}

/** Both focused bars inside the visible span. */
const inView = (view: ChartView): boolean =>
  view.focus.length === 2 && view.focus[0]! >= view.from && view.focus[1]! <= view.to;

/** Moves the pointer over the focused entry's marker, then reads which rows are highlighted. */
async function hoverFocusedMarker(page: Page, chartHost: Locator): Promise<void> {
  const box = await chartHost.boundingBox();
  const { x } = await chartView(chartHost);
  if (!box || x === null) throw new Error('the focused marker has no place on the chart');
  await page.mouse.move(box.x + x, box.y + box.height / 3);
}

describe('trades linked to the chart', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    collectPageErrors(page, consoleErrors);
    await page.goto(host.url);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('a backtest: clicking an early trade scrolls the chart to it and joins entry and exit', async () => {
    await page.getByRole('button', { name: 'Backtests' }).click();
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await page.getByTestId('backtest-results').waitFor({ timeout: 30_000 });
    const chartHost = page.locator('.bt-candles .mb-chart-host');
    const trades = page.getByRole('table', { name: 'Trades' });
    await expect.poll(() => trades.locator('tbody').getByRole('row').count()).toBeGreaterThan(2);
    await expect.poll(async () => (await chartView(chartHost)).to).toBeGreaterThan(0);
    const before = await chartView(chartHost);
    expect(before.focus).toEqual([]);

    // The first row is the run's earliest trade: out of the newest bars the chart opens on.
    const first = trades.locator('tbody').getByRole('row').first();
    await first.click();
    await expect.poll(async () => inView(await chartView(chartHost))).toBe(true);
    const after = await chartView(chartHost);
    expect(after.from).toBeLessThan(before.from);
    expect(after.focus[0]).toBeLessThan(before.from);
    expect(after.focus[1]).toBeGreaterThan(after.focus[0]!);
    // The entry and exit are joined by a line between those two bars.
    expect(after.line).toBe(`${after.focus[0]} ${after.focus[1]}`);
    expect(await first.getAttribute('class')).toContain('mb-selected');
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('chartlink-backtest-focus') });

    // Hovering the entry's marker highlights that trade's row; leaving the chart clears it.
    expect(await trades.locator('.mb-highlighted').count()).toBe(0);
    await hoverFocusedMarker(page, chartHost);
    await expect.poll(() => trades.locator('tbody .mb-highlighted').count()).toBe(1);
    expect(await trades.locator('tbody .mb-highlighted').textContent()).toBe(await first.textContent());
    await page.mouse.move(5, 5);
    await expect.poll(() => trades.locator('.mb-highlighted').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });

  test('a long run: a trade far before the newest bars brings that part of its history into the chart', {
    timeout: 120_000,
  }, async () => {
    const name = 'Long history 40k';
    const { runId } = await callHostApi<{ runId: string }>(host, 'backtest:run', {
      name,
      data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1m', bars: 40_000, seed: 7 },
      config: { strategy: { id: 'sma-crossover', params: {} } },
    });
    await expect
      .poll(
        async () =>
          (await callHostApi<{ id: string; status: string }[]>(host, 'backtest:list', {})).find(
            (r) => r.id === runId,
          )?.status,
        { timeout: 60_000, interval: 500 },
      )
      .toBe('done');
    await page.getByRole('button', { name: 'Backtests' }).click();
    await page
      .getByRole('table', { name: 'Backtest runs' })
      .getByRole('row', { name: new RegExp(name) })
      .click();
    await expect
      .poll(() => page.getByTestId('chart-bar-count').textContent(), { timeout: 60_000 })
      .toBe('40,000 bars');
    const chartHost = page.locator('.bt-candles .mb-chart-host');
    await expect.poll(async () => (await chartView(chartHost)).to).toBeGreaterThan(0);
    const before = await chartView(chartHost);
    // The chart holds the newest 10,000 bars; the run's first trade is some 39,000 bars back.
    const trades = page.getByRole('table', { name: 'Trades' });
    await trades.locator('tbody').getByRole('row').first().click();
    await expect.poll(async () => inView(await chartView(chartHost))).toBe(true);
    const after = await chartView(chartHost);
    expect(after.focus[0]).toBeLessThan(before.from - 30 * 60_000 * 1000);
    expect(after.line).toBe(`${after.focus[0]} ${after.focus[1]}`);
    await page.locator('.bt-candles').screenshot({ path: screenshotPath('chartlink-long-run-focus') });
    expect(consoleErrors).toEqual([]);
  });

  test('a running session: clicking a fill or an order scrolls the chart to its trade', {
    timeout: 150_000,
  }, async () => {
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    const fills = page.getByRole('table', { name: 'Fills' });
    // A closed round trip needs at least an entry and an exit on one symbol.
    await expect
      .poll(() => fills.locator('tbody').getByRole('row').count(), { timeout: 90_000, interval: 500 })
      .toBeGreaterThan(3);
    const chartHost = page.locator('.ss-candles .mb-chart-host');
    await expect.poll(async () => (await chartView(chartHost)).to).toBeGreaterThan(0);

    const row = fills.locator('tbody').getByRole('row').last();
    await row.click();
    await expect.poll(async () => inView(await chartView(chartHost)), { timeout: 10_000 }).toBe(true);
    const view = await chartView(chartHost);
    expect(view.focus.length).toBe(2);
    expect(await row.getAttribute('class')).toContain('mb-selected');
    await page.locator('.ss-chart').screenshot({ path: screenshotPath('chartlink-session-focus') });

    // Hovering the focused marker highlights a fill row of that bar.
    await hoverFocusedMarker(page, chartHost);
    await expect.poll(() => fills.locator('tbody .mb-highlighted').count()).toBe(1);
    await page.mouse.move(5, 5);
    await expect.poll(() => fills.locator('.mb-highlighted').count()).toBe(0);

    // An order row: the chart goes to its fill's trade.
    const orders = page.getByRole('table', { name: 'Orders' });
    const order = orders.locator('tbody').getByRole('row').last();
    await order.click();
    expect(await order.getAttribute('class')).toContain('mb-selected');
    await expect.poll(async () => inView(await chartView(chartHost)), { timeout: 10_000 }).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
