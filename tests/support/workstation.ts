// The workstation as an e2e suite opens it: a host process on a fresh data folder, Debian's Chromium, one page on
// the app (its console errors collected), optionally on one view. One place, so every suite starts the same way.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { collectPageErrors, launchChromium } from './browser';
import { type RunningHost, startHostProcess } from './host-process';

export interface Workstation {
  readonly host: RunningHost;
  readonly browser: Browser;
  readonly page: Page;
}

export async function openWorkstation(options: {
  /** The top bar's button to open, e.g. 'Backtests' (matched exactly). */
  readonly view?: string;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Console errors and page errors land here. */
  readonly errors?: string[];
  readonly host?: Parameters<typeof startHostProcess>[0];
  readonly page?: BrowserContextOptions;
}): Promise<Workstation> {
  const host = await startHostProcess(options.host);
  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    ...options.page,
  });
  if (options.errors !== undefined) collectPageErrors(page, options.errors);
  await page.goto(host.url);
  if (options.view !== undefined) await page.getByRole('button', { name: options.view, exact: true }).click();
  return { host, browser, page };
}

/** Closes what openWorkstation opened; safe after a failed start (either may be missing). */
export async function closeWorkstation(parts: { browser?: Browser; host?: RunningHost }): Promise<void> {
  await parts.browser?.close();
  await parts.host?.stop();
}
