// Symbols as a trader uses them: find one by name, watch it, see its price move on the synthetic market, pick it
// for a new session from the watchlist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callHostApi, type RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

const SHOTS = '/work/notes/shots/symbols';

describe('symbol search and the watchlist', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({
      view: 'Sessions',
      viewport: { width: 1440, height: 900 },
      errors: consoleErrors,
    }));
  });
  afterAll(() => closeWorkstation({ browser, host }));

  test('search by name, watch it, its price and day change update, pick it in the new-session form', {
    timeout: 90_000,
  }, async () => {
    const watchlist = page.getByRole('region', { name: 'Watchlist' });
    await watchlist.getByText('Nothing watched yet').waitFor({ timeout: 15_000 });

    // Search by a word of the company name, not the ticker.
    await watchlist.getByRole('combobox', { name: 'Add to watchlist' }).fill('ember bio');
    const hit = watchlist.getByRole('option').first();
    await hit.waitFor();
    expect(await hit.textContent()).toContain('EMBR');
    expect(await hit.textContent()).toContain('Ember Biotherapeutics');
    expect(await hit.textContent()).toContain('tradable');
    await page.screenshot({ path: `${SHOTS}/search-1440x900.png` });
    await hit.click();

    // Watched: a row with a last price and a day change, updating as the synthetic market moves.
    const row = watchlist.locator('tr[data-symbol="EMBR"]');
    await row.waitFor();
    const last = () => row.locator('[data-col="last"]').textContent();
    await expect.poll(last, { timeout: 10_000 }).toMatch(/^\d[\d,]*\.\d{2}$/);
    await expect
      .poll(() => row.locator('[data-col="change-pct"]').textContent())
      .toMatch(/^[+-]?\d+\.\d{2}%$/);
    expect(await row.locator('[data-col="change"]').textContent()).toMatch(/^[+-]?\d+\.\d{2}$/);
    const first = await last();
    await expect.poll(last, { timeout: 15_000, interval: 500 }).not.toBe(first);

    // The list is stored in main: it is there for another client too.
    const stored = await callHostApi<{ symbol: string; source: string }[]>(host, 'watchlist:get', {});
    expect(stored.map((w) => `${w.source}:${w.symbol}`)).toEqual(['synthetic:EMBR']);

    // Add a second one and move it above the first.
    await watchlist.getByRole('combobox', { name: 'Add to watchlist' }).fill('bolt');
    await watchlist.getByRole('option').first().click();
    await watchlist.locator('tr[data-symbol="BOLT"]').waitFor();
    await watchlist.getByRole('button', { name: 'Move BOLT up' }).click();
    await expect
      .poll(() =>
        watchlist.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-symbol'))),
      )
      .toEqual(['BOLT', 'EMBR']);

    // The new-session form offers the watched symbols; one click picks EMBR.
    const form = page.locator('details.ss-new');
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    const embr = form.getByRole('checkbox', { name: 'EMBR' });
    expect(await embr.isChecked()).toBe(false);
    await form
      .getByRole('group', { name: 'From the watchlist' })
      .getByRole('button', { name: '+ EMBR' })
      .click();
    expect(await embr.isChecked()).toBe(true);
    // …and the search in the form finds synthetic symbols by name too.
    await form.getByRole('combobox', { name: 'Find a symbol' }).fill('dune energy');
    await form.getByRole('listbox', { name: 'Search results' }).getByRole('option').first().click();
    expect(await form.getByRole('checkbox', { name: 'DUNE' }).isChecked()).toBe(true);

    for (const [w, h] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/sessions-watchlist-${w}x${h}.png` });
      await watchlist.screenshot({ path: `${SHOTS}/watchlist-panel-${w}x${h}.png` });
    }
    expect(consoleErrors).toEqual([]);
  });
});
