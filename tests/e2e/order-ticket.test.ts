// The manual order ticket on the demo session: a market order sent from the ticket shows in the orders and fills
// tables marked manual, the risk-based size shows its arithmetic (and a stop on the wrong side a problem), and a
// position is closed from the positions table. Screenshots of the ticket at three window sizes.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { OrderRow, PositionRow } from '../../src/shared/domain/session';
import { collectPageErrors, launchChromium } from '../support/browser';
import { callHostApi, type RunningHost, startHostProcess } from '../support/host-process';

const SHOTS = process.env['TICKET_SHOTS'] ?? '/work/notes/shots/ticket';

describe('the order ticket on the demo session', () => {
  let host: RunningHost;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const ticket = () => page.getByTestId('order-ticket');
  const rowsWith = (table: string, text: string) =>
    page.getByRole('table', { name: table }).locator('tbody').getByRole('row').filter({ hasText: text });
  const snapshot = async (): Promise<{ orders: OrderRow[]; positions: PositionRow[] }> => {
    const sessionId = (await callHostApi<{ id: string }[]>(host, 'session:list', {}))[0]!.id;
    return callHostApi(host, 'session:get', { sessionId });
  };

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    collectPageErrors(page, consoleErrors);
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Sessions', exact: true }).click();
    await page.getByRole('button', { name: 'Try the simulated demo' }).click();
    await page.getByTestId('session-page').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  test('a manual market order lands in the orders and fills tables marked manual', {
    timeout: 90_000,
  }, async () => {
    await ticket().waitFor({ timeout: 15_000 });
    await ticket().getByLabel('Ticket symbol').selectOption('ACME');
    await ticket().getByLabel('Qty').fill('3');
    await ticket().getByTestId('ticket-send').click();
    await expect
      .poll(() => ticket().getByTestId('ticket-outcome').textContent(), { timeout: 20_000, interval: 250 })
      .toMatch(/^Sent: buy 3 ACME market — filled$/);
    await expect
      .poll(() => rowsWith('Orders', 'manual market').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => rowsWith('Fills', 'manual').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The entry, and its bracket legs (the user's too).
    const manual = (await snapshot()).orders.filter((o) => o.manual === true && o.role === 'entry');
    expect(manual).toEqual([
      expect.objectContaining({ symbol: 'ACME', side: 'buy', qty: 3, status: 'filled' }),
    ]);
  });

  test('risk-based size shows its arithmetic; a stop on the wrong side is a problem', {
    timeout: 60_000,
  }, async () => {
    await ticket().getByRole('button', { name: 'Risk', exact: true }).click();
    await ticket().getByLabel('Entry').fill('100');
    await ticket().getByLabel('Stop').fill('98');
    await expect
      .poll(() => ticket().getByTestId('ticket-sizing').textContent())
      .toMatch(
        /^1% of equity \$[\d,]+\.\d\d = \$[\d,]+\.\d\d; ÷ \$2\.00 a share \(entry 100\.00 − stop 98\.00\) = \d+ shares \(rounded down\)/,
      );
    mkdirSync(SHOTS, { recursive: true });
    for (const [w, h] of [
      [1280, 720],
      [1440, 900],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await ticket().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/ticket-${w}x${h}.png` });
      await ticket().screenshot({ path: `${SHOTS}/ticket-only-${w}x${h}.png` });
    }
    await ticket().getByLabel('Stop').fill('101');
    expect(await ticket().getByTestId('ticket-problem').textContent()).toBe(
      "a buy's stop must be below the entry (stop 101.00 ≥ entry 100.00)",
    );
    expect(await ticket().getByTestId('ticket-send').isDisabled()).toBe(true);
    await ticket().getByRole('button', { name: 'Quantity', exact: true }).click();
  });

  test('a working limit is replaced from the orders table (cancel, then the new price)', {
    timeout: 60_000,
  }, async () => {
    const last = (await snapshot()).positions.find((p) => p.symbol === 'ACME')!.lastPrice;
    const far = (Math.floor(last * 50) / 100).toFixed(2);
    await ticket().getByLabel('Order type').selectOption('limit');
    await ticket().getByLabel('Limit price').fill(far);
    await ticket().getByLabel('Qty').fill('2');
    await ticket().getByTestId('ticket-send').click();
    await expect
      .poll(() => ticket().getByTestId('ticket-outcome').textContent(), { timeout: 20_000, interval: 250 })
      .toBe('Sent: buy 2 ACME limit — accepted');
    // Paused, the synthetic market makes no bars: the order stays working (no entry timeout) while the user edits it.
    const controls = page.getByRole('toolbar', { name: 'Session controls' });
    await controls.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => page.getByTestId('session-status').textContent()).toBe('paused');
    const working = rowsWith('Orders', 'manual limit').filter({ hasText: 'accepted' });
    await working.getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => ticket().getByRole('heading').textContent()).toMatch(/^Replace buy limit ACME/);
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await ticket().screenshot({ path: `${SHOTS}/replace-${w}x${h}.png` });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    const lower = (Math.floor(last * 40) / 100).toFixed(2);
    await ticket().getByLabel('Limit price').fill(lower);
    await ticket().getByRole('button', { name: 'Replace', exact: true }).click();
    await controls.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect
      .poll(
        async () =>
          (await snapshot()).orders.find((o) => o.manual === true && o.limitPrice === Number(lower)),
        { timeout: 20_000, interval: 250 },
      )
      .toMatchObject({ side: 'buy', type: 'limit', qty: 2 });
    const replaced = (await snapshot()).orders.find((o) => o.limitPrice === Number(far));
    expect(replaced).toMatchObject({ status: 'canceled', statusReason: 'replaced by the user' });
    await ticket().getByLabel('Order type').selectOption('market');
  });

  test('Close on a position sends a market order for its whole quantity, marked manual', {
    timeout: 60_000,
  }, async () => {
    // Wide: with the long statuses of the replaced orders, a narrower orders table drops its Type column first.
    await page.setViewportSize({ width: 1920, height: 1080 });
    // The strategy's own exits close the whole position (the account is one), so buy again from the ticket first.
    await ticket().getByLabel('Qty').fill('4');
    await ticket().getByTestId('ticket-send').click();
    const held = async () => (await snapshot()).positions.find((p) => p.symbol === 'ACME')!.qty;
    await expect.poll(held, { timeout: 20_000, interval: 100 }).not.toBe(0);
    await rowsWith('Positions', 'ACME').getByRole('button', { name: 'Close' }).click();
    await expect
      .poll(async () => (await snapshot()).orders.find((o) => o.manual === true && o.role === 'exit'), {
        timeout: 20_000,
        interval: 250,
      })
      .toMatchObject({ symbol: 'ACME', type: 'market', side: 'sell' });
    await expect
      .poll(() => rowsWith('Orders', 'manual market').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });
});
