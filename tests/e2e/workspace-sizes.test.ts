// Every part of the trader's workspace (#17) at 1280×720, 1440×900 and 1920×1080, in Chromium against host mode:
// the session page with the ticket, watchlist, event log and trade plan; the backtests with the runs list, a run's
// results and a comparison of four runs; the tearsheet. No number on screen is cut, and a screenshot of each is kept
// (MARKETBOSS_SHOTS: a folder to copy them to, for looking at by hand).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExportFile } from '../../src/shared/domain/session';
import { screenshotPath } from '../support/browser';
import { callHostApi, type RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;

const SHOTS = process.env.MARKETBOSS_SHOTS;
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const path = screenshotPath(`sizes-${name}`);
  await page.screenshot({ path, fullPage });
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    copyFileSync(path, join(SHOTS, `${name}.png`));
  }
}

/**
 * Every figure on the page (or in `within`) that is cut: a cell, value or label whose text is a number, a price, a
 * percentage, a date or a duration (no words but a unit) and is wider than its own box, or reaches past the right
 * edge of the box that shows it (a pane, a scroll area, the window). Each as "where: text (why)". Names may end in
 * an ellipsis by design; figures may not.
 */
async function clippedFigures(page: Page, within = 'body'): Promise<string[]> {
  return page.locator(within).evaluate((root) => {
    interface Box {
      offsetParent: unknown;
      parentElement: Box | null;
      textContent: string | null;
      scrollWidth: number;
      clientWidth: number;
      tagName: string;
      closest(selector: string): { getAttribute(name: string): string | null } | null;
      getBoundingClientRect(): { left: number; right: number; width: number };
    }
    const view = root.ownerDocument.defaultView!;
    const FIGURE = /^[^A-Za-z]*\d[^A-Za-z]*(pp|bars?|shares?|rows?|[xdhms%])?$/;
    /** The right edge up to which the element can be seen without scrolling anything. */
    const visibleRight = (box: Box): number => {
      let right = view.innerWidth;
      for (let up = box.parentElement; up !== null; up = up.parentElement) {
        if (
          view.getComputedStyle(up as unknown as Parameters<typeof view.getComputedStyle>[0]).overflowX !==
          'visible'
        )
          right = Math.min(right, up.getBoundingClientRect().right);
      }
      return right;
    };
    const found: string[] = [];
    for (const element of Array.from(
      root.querySelectorAll('td, th, dd, .mb-num, [data-col], .chip, button'),
    )) {
      const box = element as unknown as Box;
      if (box.offsetParent === null) continue; // not shown
      const text = (box.textContent ?? '').trim();
      if (!FIGURE.test(text)) continue;
      const where = box.closest('[aria-label]')?.getAttribute('aria-label') ?? box.tagName;
      const rect = box.getBoundingClientRect();
      const edge = visibleRight(box);
      if (box.scrollWidth > box.clientWidth + 1)
        found.push(`${where}: ${text} (needs ${box.scrollWidth} px, has ${box.clientWidth})`);
      else if (rect.width > 0 && rect.right > edge + 1)
        found.push(
          `${where}: ${text} (ends at ${Math.round(rect.right)} px, shown up to ${Math.round(edge)})`,
        );
    }
    return found;
  });
}

async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.waitForTimeout(400); // tables measure the new width (ResizeObserver, then a render)
}

describe('the workspace at three window sizes: nothing cut', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let files: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({ viewport: SIZES[1], errors: consoleErrors }));
    files = mkdtempSync(join(tmpdir(), 'marketboss-sizes-'));
  });
  afterAll(async () => {
    await closeWorkstation({ browser, host });
    rmSync(files, { recursive: true, force: true });
  });

  test('the session page: chart, ticket sizing by risk, watchlist, event log and a trade plan preview', {
    timeout: 180_000,
  }, async () => {
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await page
      .getByTestId('session-status')
      .filter({ hasText: /^running$/ })
      .waitFor({ timeout: 15_000 });
    const watchlist = page.getByRole('region', { name: 'Watchlist' });
    for (const [query, symbol] of [
      ['ember bio', 'EMBR'],
      ['bolt', 'BOLT'],
    ] as const) {
      await watchlist.getByRole('combobox', { name: 'Add to watchlist' }).fill(query);
      await watchlist.getByRole('option').first().click();
      await watchlist.locator(`tr[data-symbol="${symbol}"]`).waitFor();
    }
    const ticket = page.getByTestId('order-ticket');
    await ticket.waitFor({ timeout: 15_000 });
    await ticket.getByRole('button', { name: 'Risk', exact: true }).click();
    await ticket.getByLabel('Stop').fill('1');
    await ticket.getByTestId('ticket-sizing').waitFor();
    const plan = join(files, 'trade_plan.csv');
    writeFileSync(
      plan,
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days\nACME,buy,7,market,,100000,0.01,2\nBOLT,buy,12,limit,1.5,100000,0.5,3\n',
    );
    const planPanel = page.getByRole('region', { name: 'Trade plan' });
    await planPanel.getByLabel('Trade plan file').setInputFiles(plan);
    await planPanel.getByTestId('plan-preview').waitFor({ timeout: 15_000 });
    // Some events to read: the live session writes orders and runs as it goes.
    await page.waitForTimeout(3000);

    const problems: string[] = [];
    for (const size of SIZES) {
      await resize(page, size);
      const at = `${size.width}x${size.height}`;
      await page.getByTestId('session-page').evaluate((element) => element.scrollIntoView());
      await shot(page, `session-${at}`);
      for (const [part, locator] of [
        ['ticket', ticket],
        ['watchlist', watchlist],
        ['events', page.getByRole('region', { name: 'Events' })],
        ['plan', planPanel],
        ['reports', page.getByRole('region', { name: 'Reports' })],
      ] as const) {
        await locator.scrollIntoViewIfNeeded();
        await page.waitForTimeout(150);
        await shot(page, `session-${part}-${at}`);
      }
      problems.push(...(await clippedFigures(page)).map((p) => `${at} ${p}`));
    }
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('the backtests: the runs list, a run’s results, four runs compared, and the tearsheet', {
    timeout: 300_000,
  }, async () => {
    const ids: string[] = [];
    for (const fast of [5, 8, 10, 12]) {
      const { runId } = await callHostApi<{ runId: string }>(host, 'backtest:run', {
        data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 756, seed: 7 },
        config: { strategy: { id: 'sma-crossover', params: { fast } } },
      });
      ids.push(runId);
    }
    for (const runId of ids) {
      await expect
        .poll(
          async () =>
            (await callHostApi<{ id: string; status: string }[]>(host, 'backtest:list', {})).find(
              (r) => r.id === runId,
            )?.status,
          { timeout: 60_000 },
        )
        .toBe('done');
    }
    await page.reload();
    await page.getByRole('button', { name: 'Backtests' }).click();
    const runs = page.getByRole('table', { name: 'Backtest runs' });
    await runs.locator('tbody tr').nth(3).waitFor();
    await runs.locator('tbody tr').first().click();
    await page.getByTestId('backtest-results').getByRole('table', { name: 'Trades' }).waitFor();

    const problems: string[] = [];
    for (const size of SIZES) {
      await resize(page, size);
      const at = `${size.width}x${size.height}`;
      await shot(page, `backtest-results-${at}`);
      problems.push(...(await clippedFigures(page)).map((p) => `${at} results ${p}`));
    }

    await page.getByRole('button', { name: 'Compare runs' }).click();
    const compare = page.getByTestId('backtest-compare');
    await compare.getByRole('table', { name: 'Metrics of run A and run B' }).waitFor();
    for (const nth of [2, 3]) await runs.locator('tbody tr').nth(nth).getByRole('checkbox').check();
    await compare.getByRole('table', { name: 'Metrics of runs A, B, C and D' }).waitFor();
    for (const size of SIZES) {
      await resize(page, size);
      const at = `${size.width}x${size.height}`;
      await shot(page, `backtest-compare-${at}`);
      await compare.getByRole('table', { name: 'Settings that differ' }).scrollIntoViewIfNeeded();
      await shot(page, `backtest-compare-lower-${at}`);
      problems.push(...(await clippedFigures(page)).map((p) => `${at} compare ${p}`));
    }

    const tearsheet = await callHostApi<ExportFile>(host, 'backtest:tearsheet', { runId: ids[0] });
    const file = join(files, tearsheet.fileName);
    writeFileSync(file, tearsheet.content);
    await page.goto(`file://${file}`);
    for (const size of SIZES) {
      await resize(page, size);
      const at = `${size.width}x${size.height}`;
      await shot(page, `tearsheet-${at}`, true);
      problems.push(...(await clippedFigures(page)).map((p) => `${at} tearsheet ${p}`));
    }
    expect(problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
