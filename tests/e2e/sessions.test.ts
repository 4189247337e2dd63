import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FillRow } from '../../src/shared/domain/session';
import { screenshotPath } from '../support/browser';
import { callHostApi, type RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

describe('a paper-trading session, as a new user runs the demo', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  const status = () => page.getByTestId('session-status').textContent();
  const controls = (): Locator => page.getByRole('toolbar', { name: 'Session controls' });
  /** Data rows of a DataTable (its header row excluded). */
  const dataRows = (name: string) =>
    page.getByRole('table', { name }).locator('tbody').getByRole('row').count();

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({
      view: 'Sessions',
      viewport: { width: 1600, height: 1100 },
      errors: consoleErrors,
    }));
  });
  afterAll(() => closeWorkstation({ browser, host }));

  test('first run offers the simulated demo', async () => {
    await page.getByTestId('first-run').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('top-bar-session').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('sessions-first-run') });
  });

  test('the demo runs: fills appear and the equity moves within a minute', { timeout: 120_000 }, async () => {
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await expect.poll(status, { timeout: 15_000 }).toBe('running');
    expect(await page.locator('.ss-head h2').textContent()).toBe('Demo — SMA crossover on ACME, BOLT');
    const startEquity = await page.getByTestId('session-equity').textContent();
    // The top bar follows the running session.
    expect(await page.getByTestId('top-bar-name').textContent()).toBe('Demo — SMA crossover on ACME, BOLT');
    expect(await page.getByTestId('market-status').textContent()).toBe('Synthetic market · running ×120');

    await expect.poll(() => dataRows('Fills'), { timeout: 60_000, interval: 500 }).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('session-equity').textContent(), { timeout: 30_000, interval: 500 })
      .not.toBe(startEquity);
    expect(await dataRows('Orders')).toBeGreaterThan(0);
    // The status line follows the running session's bars and how far the screen is behind the engine.
    expect(await page.getByTestId('feed-status').textContent()).toMatch(
      /^Last bar \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · \d+ ms engine → screen$/,
    );
    // Live bars reach the chart and the equity curve (both draw into canvases).
    await expect.poll(() => page.locator('.ss-candles canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.ss-equity canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('sessions-running') });

    // A coarser chart of the running session: 5-minute bars from main, live bars folded into the newest one.
    const head = page.locator('.ss-chart .bt-chart-head');
    await head.getByRole('button', { name: '5m', exact: true }).click();
    await page.getByRole('region', { name: 'ACME 5m live chart' }).waitFor();
    const lastBar = () => head.locator('.mb-num').last().textContent();
    const before = await lastBar();
    await expect.poll(lastBar, { timeout: 15_000 }).not.toBe(before); // bars keep coming while it shows 5m
    await page.locator('.ss-chart').screenshot({ path: screenshotPath('sessions-chart-5m') });
    await head.getByRole('button', { name: '1m', exact: true }).click();
    await page.getByRole('region', { name: 'ACME 1m live chart' }).waitFor();
    expect(await page.locator('.ss-chart [role="alert"]').count()).toBe(0);
  });

  test('fills after the chart loaded get markers on their own live bars', { timeout: 150_000 }, async () => {
    const sessionId = (await callHostApi<{ id: string }[]>(host, 'session:list', {}))[0]!.id;
    const fillsOfAcme = async () =>
      (await callHostApi<{ fills: FillRow[] }>(host, 'session:get', { sessionId })).fills.filter(
        (f) => f.symbol === 'ACME',
      );
    // Reload the chart's data (a timeframe switch and back), then note where its loaded bars end.
    const head = page.locator('.ss-chart .bt-chart-head');
    await head.getByRole('button', { name: '5m', exact: true }).click();
    await page.getByRole('region', { name: 'ACME 5m live chart' }).waitFor();
    await head.getByRole('button', { name: '1m', exact: true }).click();
    await page.getByRole('region', { name: 'ACME 1m live chart' }).waitFor();
    const loadedAt = Math.max(0, ...(await fillsOfAcme()).map((f) => f.time));
    // A 1m chart: a fill's bar starts at its minute (in chart seconds).
    const barOf = (time: number) => Math.floor(time / 60_000) * 60;
    const liveBars = async () =>
      new Set((await fillsOfAcme()).filter((f) => f.time > loadedAt).map((f) => barOf(f.time)));
    await expect
      .poll(async () => (await liveBars()).size, { timeout: 120_000, interval: 1_000 })
      .toBeGreaterThan(2);
    const markerBars = async () =>
      new Set(
        ((await page.locator('.ss-candles .mb-chart-host').getAttribute('data-marker-bars')) ?? '')
          .split(' ')
          .filter((t) => t !== '')
          .map(Number),
      );
    // Every live fill's bar carries a marker (they used to pile up on the last bar loaded).
    await expect
      .poll(
        async () => {
          const drawn = await markerBars();
          return [...(await liveBars())].filter((bar) => !drawn.has(bar));
        },
        { timeout: 10_000, interval: 250 },
      )
      .toEqual([]);
    await page.locator('.ss-chart').screenshot({ path: screenshotPath('sessions-live-markers') });
  });

  test('pause, resume, then stop and flatten', { timeout: 120_000 }, async () => {
    await controls().getByRole('button', { name: 'Pause' }).click();
    await expect.poll(status, { timeout: 10_000 }).toBe('paused');
    await expect
      .poll(() => page.getByTestId('market-status').textContent())
      .toBe('Synthetic market · paused');
    // Paused means no new bars: the equity holds still.
    const pausedEquity = await page.getByTestId('session-equity').textContent();
    await page.waitForTimeout(1_500);
    expect(await page.getByTestId('session-equity').textContent()).toBe(pausedEquity);
    await page.screenshot({ path: screenshotPath('sessions-paused') });

    await controls().getByRole('button', { name: 'Resume' }).click();
    await expect.poll(status, { timeout: 10_000 }).toBe('running');

    // Flattening is the point: wait (at most 45 s) for an open position, then stop & flatten.
    const openPositions = async () => Number(await page.getByTestId('open-positions').textContent());
    for (let waited = 0; waited < 45_000 && (await openPositions()) === 0; waited += 500) {
      await page.waitForTimeout(500);
    }
    const heldBeforeStop = await openPositions();
    await controls().getByRole('button', { name: 'Stop & flatten' }).click();
    // It asks first; Enter confirms.
    await page.getByTestId('confirm-dialog').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: 30_000, interval: 250 }).toBe('stopped');
    if (heldBeforeStop === 0)
      console.warn('no position was open when the session stopped; flatten not exercised');
    expect(await page.getByTestId('open-positions').textContent()).toBe('0');
    // Every position row reads a quantity of zero.
    const qtys = await page
      .getByRole('table', { name: 'Positions' })
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[1]?.textContent ?? ''));
    expect(qtys.length).toBeGreaterThan(0);
    expect(qtys.every((q) => q === '0')).toBe(true);
    expect(await controls().getByRole('button', { name: 'Start' }).isEnabled()).toBe(true);
    expect(await page.getByTestId('market-status').textContent()).toBe('Synthetic market · stopped');
    await page.screenshot({ path: screenshotPath('sessions-stopped') });
    expect(consoleErrors).toEqual([]);
  });

  test('the stopped run has a daily summary on screen and exports its fills as CSV', async () => {
    const daily = page.getByRole('table', { name: 'Daily summary' });
    await expect.poll(() => daily.locator('tbody tr').count()).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Fills CSV' }).click(),
    ]);
    // Named by the session and its run's day, not the internal run id.
    expect(download.suggestedFilename()).toMatch(
      /^Demo-SMA-crossover-on-ACME-BOLT-\d{4}-\d{2}-\d{2}-fills\.csv$/,
    );
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toBe('time,symbol,side,qty,price,fee,order_id,execution_id');
    expect(text.trim().split('\n').length).toBeGreaterThan(1);
    await page.locator('.ss-reports').screenshot({ path: screenshotPath('sessions-reports') });
  });

  test('backtest versus paper: the flatten the user asked for is explained as paper fills without a twin', async () => {
    await page.getByRole('button', { name: 'Compare with backtest' }).click();
    const explanation = page.getByTestId('comparison-explanation');
    await explanation.waitFor();
    expect(await explanation.textContent()).toMatch(/without a backtest twin|agree fill for fill/);
    const metrics = page.getByRole('table', { name: 'Paper and backtest metrics' });
    expect(await metrics.getByRole('row', { name: /Trades/ }).textContent()).toMatch(/Trades\d+\d+/);
    await page.locator('.ss-compare').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.locator('.ss-compare').screenshot({ path: screenshotPath('sessions-compare') });
  });

  test('editing the stopped session shows the changed fields before saving', async () => {
    await controls().getByRole('button', { name: 'Edit config' }).click();
    const editor = page.getByRole('region', { name: 'Edit session config' });
    await editor.getByLabel('Speed').fill('240');
    await editor.getByRole('button', { name: 'Review 1 change' }).click();
    const diff = page.getByRole('table', { name: 'Config changes' });
    expect(await diff.locator('tbody tr').count()).toBe(1);
    expect((await diff.locator('tbody tr').textContent())?.replace(/\s+/g, '')).toBe('feed.speed120→240');
    await page.screenshot({ path: screenshotPath('sessions-config-diff') });
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('.ss-head').textContent()).toContain('240× real time · v2');
  });

  test('Alt+S starts the session from the keyboard, and stops it again', { timeout: 60_000 }, async () => {
    const start = page.getByTestId('top-bar-session').getByRole('button', { name: 'Start' });
    expect(await start.getAttribute('title')).toContain('Alt+S');
    await page.keyboard.press('Alt+KeyS');
    await expect.poll(status, { timeout: 10_000 }).toBe('running');
    await expect
      .poll(() => page.getByTestId('market-status').textContent())
      .toBe('Synthetic market · running ×240');
    // A new run: the chart fills with its bars again.
    await expect.poll(() => page.locator('.ss-candles canvas').count()).toBeGreaterThan(0);
    await page.locator('.topbar').screenshot({ path: screenshotPath('sessions-top-bar') });
    await page.keyboard.press('Alt+KeyS');
    await expect.poll(status, { timeout: 10_000 }).toBe('stopped');
    expect(consoleErrors).toEqual([]);
  });
});
