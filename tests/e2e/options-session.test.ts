// The Phase 4D 2K preset on the simulator, as a user sets it up: the session form's "Phase 4D SPY puts" with the 2K
// preset and a VIX file, the validate-only launch, then Create and start: the put bought 30 minutes after the open
// shows in the Options panel under its OCC contract, with the monitor's bands. Screenshots under
// /work/notes/shots/optsession/ (or MARKETBOSS_SHOTS).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionSnapshot } from '../../src/shared/domain/session';
import { callHostApi, type RunningHost, tempDataDir } from '../support/host-process';
import { closeWorkstation, openWorkstation } from '../support/workstation';

const SHOTS = process.env['MARKETBOSS_SHOTS'] ?? '/work/notes/shots/optsession';
const shot = (name: string): string => {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `${name}.png`);
};

/** A CBOE-style VIX history at 15 on every weekday of 2022–2024 (covers the synthetic market's first years). */
function vixFile(dir: string): string {
  const lines = ['DATE,OPEN,HIGH,LOW,CLOSE'];
  for (let t = Date.UTC(2022, 11, 1); t < Date.UTC(2025, 0, 1); t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
    const dd = String(d.getUTCDate()).padStart(2, '0');
    lines.push(`${mm}/${dd}/${d.getUTCFullYear()},15.1,15.9,14.6,15.00`);
  }
  const path = join(dir, 'VIX_History.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('a Phase 4D SPY puts session on the simulator', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const filesDir = tempDataDir('marketboss-vix-');
  const status = () => page.getByTestId('session-status').textContent();

  beforeAll(async () => {
    ({ host, browser, page } = await openWorkstation({
      view: 'Sessions',
      viewport: { width: 1600, height: 1200 },
      errors: consoleErrors,
    }));
  });
  afterAll(() => closeWorkstation({ browser, host }));

  test('the form makes a 2K session on a VIX file; Validate answers without trading', {
    timeout: 60_000,
  }, async () => {
    await page.getByTestId('first-run').waitFor({ timeout: 15_000 });
    const form = page.locator('details.ss-new');
    if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
    await page.locator('#ss-new-name').fill('Phase 4D 2K');
    await page.getByTestId('ss-new-trades').getByText('Phase 4D SPY puts').click();
    await page.locator('#ss-new-preset').selectOption('2k');
    await page.locator('#ss-new-vol-source').selectOption('csv');
    await page.locator('#ss-new-vix-file').fill(vixFile(filesDir));
    // 1-minute bars, 20 a second: a session day in about 20 s.
    await page.locator('#ss-new-speed').fill('1200');
    await form.screenshot({ path: shot('form-phase4d') });
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Validate', exact: true }).click();
    const panel = page.getByTestId('session-validation');
    await expect.poll(() => panel.textContent(), { timeout: 30_000 }).toMatch(/Option chain \(synthetic\)/);
    const text = (await panel.textContent()) ?? '';
    expect(text).toMatch(/Validate-only launch/);
    expect(text).toMatch(/VIX_History\.csv \(CBOE VIX\): 2022-12-01 to 2024-12-31/);
    expect(text).toMatch(/the entry buys 2 × SPY\d{6}P\d{8}/);
    await panel.screenshot({ path: shot('validate-only') });
    expect(await status()).not.toBe('running');
  });

  test('started, it buys 2 puts; the Options panel shows the contract and the monitor bands', {
    timeout: 150_000,
  }, async () => {
    const sessionId = (await callHostApi<{ id: string }[]>(host, 'session:list', {}))[0]!.id;
    await page
      .getByRole('toolbar', { name: 'Session controls' })
      .getByRole('button', { name: 'Start' })
      .click();
    await expect.poll(status, { timeout: 15_000 }).toBe('running');
    const held = async () =>
      (await callHostApi<SessionSnapshot>(host, 'session:get', { sessionId })).positions.filter(
        (p) => p.qty > 0,
      );
    await expect.poll(async () => (await held()).length, { timeout: 90_000, interval: 100 }).toBe(1);
    await page
      .getByRole('toolbar', { name: 'Session controls' })
      .getByRole('button', { name: 'Pause' })
      .click();
    await expect.poll(status, { timeout: 10_000 }).toBe('paused');
    const [position] = await held();

    const options = page.getByRole('region', { name: 'Options' });
    const positions = options.getByRole('table', { name: 'Option positions' });
    await expect.poll(() => positions.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    const row = (await positions.locator('tbody tr').first().textContent()) ?? '';
    expect(row).toMatch(/SPY/);
    expect(row).toMatch(/P/);
    expect(position!.qty).toBe(2);
    // The monitor's bands: every banded check shows its band as a word, and the overall band is one of three.
    const overall = (await options.getByTestId('options-overall').textContent()) ?? '';
    expect(overall.toLowerCase()).toMatch(/green|amber|red/);
    expect(await options.getByTestId('check-daily_pnl').count()).toBe(1);
    expect(await options.getByTestId('check-execution_rate').count()).toBe(1);
    expect((await options.getByTestId('options-price-source').textContent()) ?? '').toMatch(/synthetic/i);
    await page.screenshot({ path: shot('session-put-open'), fullPage: true });
    await options.screenshot({ path: shot('options-panel') });
    expect(consoleErrors).toEqual([]);
  });
});
