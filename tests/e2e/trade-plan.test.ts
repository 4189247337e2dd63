// Trade plans from the session page on the running demo: a file with one bad line shows its refusal by line and
// stores nothing; a good file previews (mode, deadlines), runs, and its row shows its outcome as the session runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { collectPageErrors, launchChromium } from '../support/browser';
import { callHostApi, type RunningHost, startHostProcess } from '../support/host-process';

const SHOTS = '/work/notes/shots/logs';

describe('trade plans from the screen', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  let files: string;
  let sessionId: string;
  const consoleErrors: string[] = [];
  const panel = (): Locator => page.getByRole('region', { name: 'Trade plan' });
  const column = (table: string, at: number) =>
    panel()
      .getByRole('table', { name: table })
      .locator('tbody tr')
      .evaluateAll((rows, k) => rows.map((r) => r.querySelectorAll('td')[k]?.textContent ?? ''), at);
  const planFile = (name: string, lines: readonly string[]): string => {
    const path = join(files, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'marketboss-plans-'));
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    collectPageErrors(page, consoleErrors);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
    await page
      .getByTestId('session-status')
      .filter({ hasText: /^running$/ })
      .waitFor({ timeout: 15_000 });
    sessionId = (await callHostApi<{ id: string }[]>(host, 'session:list', {}))[0]!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  test('a file with one bad line shows the refusal by line and stores nothing', {
    timeout: 60_000,
  }, async () => {
    const path = planFile('bad_plan.csv', [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,5,market,,100000,0.01,0.01',
      'ACME,buy,5,limit,100,110,120,1',
    ]);
    await panel().getByLabel('Trade plan file').setInputFiles(path);
    await panel().getByTestId('plan-refused').waitFor({ timeout: 15_000 });
    expect(await panel().getByRole('alert').first().textContent()).toMatch(
      /bad_plan\.csv is refused: 1 problem\b/,
    );
    expect(await column('Plan refusals', 0)).toEqual(['3']);
    expect(await column('Plan refusals', 1)).toEqual(['stop_loss']);
    expect((await column('Plan refusals', 2))[0]).toBe('120 is above the entry 100 for a buy');
    expect(
      await panel()
        .getByRole('button', { name: /Run plan/ })
        .count(),
    ).toBe(0);
    await panel().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'plan-refused-1440x900.png') });
    expect(await callHostApi<unknown[]>(host, 'session:plan-outcomes', { sessionId })).toEqual([]);
  });

  test('a good file previews with its mode and deadline, runs, and its row shows the outcome', {
    timeout: 120_000,
  }, async () => {
    const path = planFile('trade_plan.csv', [
      'symbol,side,qty,entry_type,entry_price,take_profit,stop_loss,hold_days',
      'ACME,buy,7,market,,100000,0.01,0.01',
    ]);
    await panel().getByLabel('Execution mode').selectOption('intraday');
    await panel().getByLabel('Trade plan file').setInputFiles(path);
    const preview = panel().getByTestId('plan-preview');
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.textContent()).toContain('Preview of trade_plan.csv in intraday mode');
    expect(await column('Plan preview', 0)).toEqual(['2']);
    expect((await column('Plan preview', 8))[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await panel().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'plan-preview-1440x900.png') });
    // Previewing stored nothing.
    expect(await callHostApi<unknown[]>(host, 'session:plan-outcomes', { sessionId })).toEqual([]);

    await panel().getByRole('button', { name: 'Run plan (1 rows)' }).click();
    await expect.poll(() => panel().getByTestId('plan-message').textContent()).toMatch(/1 rows sent/);
    await expect
      .poll(async () => (await column('Plan rows', 3))[0] ?? '', { timeout: 60_000, interval: 500 })
      .toMatch(/^exited by (time|stop|target|flatten)$/);
    expect((await column('Plan rows', 4))[0]).toMatch(/^entered at [\d.]+, exited at [\d.]+$/);
    expect(consoleErrors).toEqual([]);
  });

  test('screenshots of the plan panel, the event viewer and the app log at three sizes', {
    timeout: 60_000,
  }, async () => {
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await panel().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `plan-outcomes-${width}x${height}.png`) });
      const events = page.getByRole('region', { name: 'Events' });
      await events.evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await page.screenshot({ path: join(SHOTS, `events-${width}x${height}.png`) });
    }
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const appLog = page.getByRole('region', { name: 'App log' });
    await appLog.waitFor();
    for (const [width, height] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await appLog.evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await page.screenshot({ path: join(SHOTS, `app-log-${width}x${height}.png`) });
    }
  });
});
