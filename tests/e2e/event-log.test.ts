// The event and log viewer on the running demo session: its events listed, level/kind and text filters narrowing
// them in main, live tail bringing new events in, export downloading every match; the app log under Settings.
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningHost } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

describe('the event and log viewer', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const viewer = (): Locator => page.getByRole('region', { name: 'Events' });
  /** The viewer's count: "N events" or "shown of N events". */
  const total = async (): Promise<number> => {
    const text = (await viewer().getByTestId('event-count').textContent()) ?? '';
    return Number(/(\d+) events?$/.exec(text)?.[1] ?? Number.NaN);
  };
  const cells = (column: number) =>
    viewer()
      .getByRole('table', { name: 'Events' })
      .locator('tbody tr')
      .evaluateAll((rows, at) => rows.map((r) => r.querySelectorAll('td')[at]?.textContent ?? ''), column);

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({
      view: 'Sessions',
      viewport: { width: 1440, height: 900 },
      errors: consoleErrors,
      page: { acceptDownloads: true },
    }));
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
  });
  afterAll(() => closeWorkstation({ browser, host }));

  test('the running demo session lists its events, newest first', { timeout: 90_000 }, async () => {
    await viewer().waitFor({ timeout: 15_000 });
    // Order events arrive as the demo trades; the run's start is there from the beginning.
    await expect.poll(total, { timeout: 60_000, interval: 500 }).toBeGreaterThan(5);
    const kinds = await cells(2);
    expect(kinds).toContain('order');
    const times = await cells(0);
    expect(times).toEqual([...times].sort().reverse());
  });

  test('a kind filter and a text filter narrow the list in main', { timeout: 60_000 }, async () => {
    const all = await total();
    await viewer().getByRole('button', { name: 'system', exact: true }).click();
    await expect.poll(total).toBe(1);
    expect(await cells(3)).toEqual(['run started']);
    await viewer().getByRole('button', { name: 'system', exact: true }).click();
    await expect.poll(total).toBeGreaterThanOrEqual(all);

    await viewer().getByRole('button', { name: 'Warning', exact: true }).click();
    await viewer().getByRole('button', { name: 'Error', exact: true }).click();
    // The demo has no warnings or errors until its risk limits trip: warnings and errors only.
    await expect.poll(async () => (await cells(1)).every((l) => l === 'Warning' || l === 'Error')).toBe(true);
    await viewer().getByRole('button', { name: 'Warning', exact: true }).click();
    await viewer().getByRole('button', { name: 'Error', exact: true }).click();

    // Orders whose role is the protective stop, typed in any case.
    await viewer().getByRole('button', { name: 'order', exact: true }).click();
    await viewer().getByRole('searchbox', { name: 'Search events' }).fill('STOP_LOSS');
    await expect
      .poll(async () => {
        const messages = await cells(4);
        return messages.length > 0 && messages.every((m) => m.includes('(stop_loss)'));
      })
      .toBe(true);
    expect(await total()).toBeLessThan(all);
    await viewer().getByRole('searchbox', { name: 'Search events' }).fill('');
  });

  test('live tail shows new events as the session runs', { timeout: 90_000 }, async () => {
    const before = await total();
    const newest = (await cells(0))[0];
    await expect.poll(total, { timeout: 60_000, interval: 500 }).toBeGreaterThan(before);
    expect((await cells(0))[0]! >= (newest ?? '')).toBe(true);
  });

  test('export downloads every match as CSV and as JSON lines', { timeout: 60_000 }, async () => {
    // Pause so the count cannot move between the export and the check.
    await page
      .getByRole('toolbar', { name: 'Session controls' })
      .getByRole('button', { name: 'Pause' })
      .click();
    await expect.poll(() => page.getByTestId('session-status').textContent()).toBe('paused');
    await page.waitForTimeout(1_000);
    const shown = await total();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      viewer().getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/-events\.csv$/);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('time,level,kind,subject,message,run_id');
    expect(lines.length - 1).toBe(shown);
    expect(lines.slice(1).every((l) => l.includes(',order,'))).toBe(true);

    const [jsonl] = await Promise.all([
      page.waitForEvent('download'),
      viewer().getByRole('button', { name: 'Export JSONL' }).click(),
    ]);
    const records = readFileSync((await jsonl.path())!, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; time: number });
    expect(records).toHaveLength(shown);
    expect(records.map((r) => r.time)).toEqual(records.map((r) => r.time).sort((a, b) => a - b));
  });

  test('the app log is under Settings, filtered by level and text', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const appLog = page.getByRole('region', { name: 'App log' });
    await appLog.waitFor();
    await appLog.getByRole('searchbox', { name: 'Search events' }).fill('session started');
    await expect
      .poll(() => appLog.getByRole('table', { name: 'App log' }).locator('tbody tr').count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    expect(await appLog.getByRole('table', { name: 'App log' }).textContent()).toContain('session started');
    expect(consoleErrors).toEqual([]);
  });
});
