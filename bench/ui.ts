// UI benchmarks, in Debian's Chromium against the built host (out/main/host.js on a temp data folder):
// (a) time to first chart paint of a backtest with 100,000 and 1,000,000 bars, as a ratio to an empty page's load
//     (and the time until all its bars are loaded: the newest come first, older history in pages behind them);
// (b) main-thread long tasks (> 50 ms) on a live session's page while the feed pushes 100 bars a second for 30 s.
// Builds nothing: run `npm run build` first (the module says so and skips when out/ is missing).
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/browser';
import { HOST_ENTRY, type RunningHost, startHostProcess } from '../tests/support/host-process';
import type { BenchFigures, BenchModule } from './registry';

const RENDERER_INDEX = resolve(__dirname, '../../out/renderer/index.html');
const CHART_BARS = [100_000, 1_000_000] as const;
const CHART_ROUNDS = 3;
const EMPTY_ROUNDS = 5;
/** 1m bars at ×6000: one every 10 ms, 100 a second. */
const LIVE_SPEED = 6000;
const LIVE_SECONDS = Number(process.env.BENCH_UI_LIVE_SECONDS ?? 30);
const SETTLE_MS = 3000;
const LONG_TASK_MS = 50;

/** What the page records for us; installed before any page script runs. */
interface PageProbe {
  longTasks: { start: number; duration: number }[];
  frames: number[];
  clickAt: number;
}

/** The little of a page's globals the functions run in the page use (this program is typed without the DOM). */
interface PageElement {
  querySelector(selector: string): PageElement | null;
  readonly childElementCount: number;
  readonly textContent: string | null;
}
interface PageSocket {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  send(text: string): void;
  close(): void;
}
interface PageWindow {
  __mbProbe?: PageProbe;
  requestAnimationFrame(callback: (time: number) => void): number;
  addEventListener(type: string, listener: () => void, capture: boolean): void;
  readonly sessionStorage: { getItem(key: string): string | null };
  readonly location: { readonly host: string };
  readonly document: PageElement;
  readonly performance: {
    now(): number;
    getEntriesByType(type: string): { readonly loadEventEnd?: number }[];
    getEntriesByName(name: string): { readonly startTime: number }[];
  };
  readonly PerformanceObserver: {
    new (
      callback: (list: { getEntries(): { startTime: number; duration: number }[] }) => void,
    ): { observe(options: { type: string; buffered: boolean }): void };
    readonly supportedEntryTypes: readonly string[];
  };
  readonly WebSocket: new (url: string) => PageSocket;
}

function installProbe(): void {
  const w = globalThis as unknown as PageWindow;
  const probe: PageProbe = { longTasks: [], frames: [], clickAt: Number.NaN };
  w.__mbProbe = probe;
  try {
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        probe.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long task timing in this browser: the counts stay empty, and the figures say so below.
  }
  // Capture phase, before React's handlers: the moment the user's click starts the work.
  w.addEventListener(
    'click',
    () => {
      probe.clickAt = w.performance.now();
    },
    true,
  );
  const frame = (t: number): void => {
    probe.frames.push(t);
    if (probe.frames.length > 100_000) probe.frames.splice(0, 50_000);
    w.requestAnimationFrame(frame);
  };
  w.requestAnimationFrame(frame);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** One API call over the page's own WebSocket (same origin, the token the page keeps in sessionStorage). */
async function apiCall<T>(page: Page, call: string, arg: unknown): Promise<T> {
  const result = await page.evaluate(
    ({ call, arg }) =>
      new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((done, fail) => {
        const w = globalThis as unknown as PageWindow;
        const token = w.sessionStorage.getItem('marketboss-token') ?? '';
        const ws = new w.WebSocket(`ws://${w.location.host}/api?token=${encodeURIComponent(token)}`);
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, call, arg }));
        ws.onmessage = (event) => {
          const message = JSON.parse(String(event.data)) as { id?: number; result?: never };
          if (message.id !== 1) return;
          ws.close();
          done(message.result as never);
        };
        ws.onerror = () => fail(new Error(`WebSocket error calling ${call}`));
      }),
    { call, arg },
  );
  if (!result.ok) throw new Error(`${call}: ${result.error?.message ?? 'failed'}`);
  return result.value as T;
}

async function openApp(browser: Browser, host: RunningHost): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.addInitScript(installProbe);
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Backtests' }).waitFor();
  return page;
}

/** Navigation start → the later of load and first contentful paint, of the app with nothing open (ms). */
async function emptyPageLoad(browser: Browser, host: RunningHost): Promise<number> {
  const page = await openApp(browser, host);
  await page.waitForLoadState('load');
  const ms = await page.evaluate(
    () =>
      new Promise<number>((done) => {
        const w = globalThis as unknown as PageWindow;
        // After two frames the shell has painted; read the navigation's own timings.
        w.requestAnimationFrame(() =>
          w.requestAnimationFrame(() => {
            const nav = w.performance.getEntriesByType('navigation')[0];
            const fcp = w.performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
            done(Math.max(nav?.loadEventEnd ?? 0, fcp));
          }),
        );
      }),
  );
  await page.close();
  return ms;
}

async function waitForRun(page: Page, runId: string, timeoutMs = 300_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // The list is JSON text; backtest:get answers in a binary frame (its trades and fills are columns).
    const runs = await apiCall<{ id: string; status: string; error: string | null }[]>(
      page,
      'backtest:list',
      {},
    );
    const run = runs.find((r) => r.id === runId);
    if (!run) throw new Error(`backtest ${runId} is not in the list`);
    if (run.status === 'done') return;
    if (run.status !== 'running') throw new Error(`backtest ${runId} ended ${run.status}: ${run.error}`);
    if (Date.now() > until) throw new Error(`backtest ${runId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface ChartPaint {
  /** Click → the chart has painted the run's newest bars (history may still be loading). */
  readonly firstPaintMs: number;
  /** Click → every bar of the run is in the chart's data (the count reads the full number). */
  readonly allBarsMs: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
}

/**
 * Click on the run's row → the first animation frame after the candle chart has drawn: the bars are in (no
 * "Loading bars…" cover, the OHLC legend filled from the newest candle), then two frames — lightweight-charts paints
 * in the frame after its data is set, so the second one starts after that paint. Timed twice: when the newest bars
 * are drawn, and when the bar count says the whole run is loaded. Long tasks are counted up to the second.
 */
async function chartPaint(
  browser: Browser,
  host: RunningHost,
  runName: string,
  bars: number,
): Promise<ChartPaint> {
  const page = await openApp(browser, host);
  await page.getByRole('button', { name: 'Backtests' }).click();
  const row = page
    .getByRole('table', { name: 'Backtest runs' })
    .getByRole('row', { name: new RegExp(runName) });
  await row.waitFor({ timeout: 30_000 });
  const preloaded = await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    w.__mbProbe!.longTasks.length = 0;
    return w.document.querySelector('[data-testid="chart-bar-count"]')?.textContent ?? '';
  });
  // A chart already on screen (a remembered run) would make the click measure nothing.
  if (preloaded !== '') throw new Error(`a chart was already showing ${preloaded} before the click`);
  await row.click();
  const expected = `${bars.toLocaleString('en-US')} bars`;
  const result = await page.evaluate(
    (expectedCount) =>
      new Promise<ChartPaint>((done, fail) => {
        const w = globalThis as unknown as PageWindow;
        const probe = w.__mbProbe!;
        const deadline = w.performance.now() + 600_000;
        let firstPaintMs = Number.NaN;
        const drawn = (): boolean => {
          const chart = w.document.querySelector('.bt-candles');
          return (
            chart !== null &&
            chart.querySelector('.mb-chart-empty') === null &&
            (chart.querySelector('.mb-chart-legend')?.childElementCount ?? 0) > 0 &&
            chart.querySelector('canvas') !== null
          );
        };
        const complete = (): boolean =>
          w.document.querySelector('[data-testid="chart-bar-count"]')?.textContent === expectedCount;
        /** Runs `then` with the time of the second frame from now (after the paint of what is set now). */
        const afterPaint = (then: (t: number) => void): void => {
          w.requestAnimationFrame(() => w.requestAnimationFrame(then));
        };
        const poll = (): void => {
          if (w.performance.now() > deadline) {
            fail(new Error('the chart did not draw all its bars within 10 minutes'));
            return;
          }
          if (Number.isNaN(firstPaintMs) && drawn()) {
            firstPaintMs = -1; // measuring
            afterPaint((t) => {
              firstPaintMs = t - probe.clickAt;
            });
          }
          if (firstPaintMs < 0 || Number.isNaN(firstPaintMs) || !complete() || !drawn()) {
            w.requestAnimationFrame(poll);
            return;
          }
          afterPaint((t) => {
            const tasks = probe.longTasks.filter((task) => task.start >= probe.clickAt);
            done({
              firstPaintMs,
              allBarsMs: t - probe.clickAt,
              longTasks: tasks.length,
              longestTaskMs: tasks.reduce((most, task) => Math.max(most, task.duration), 0),
            });
          });
        };
        w.requestAnimationFrame(poll);
      }),
    expected,
  );
  await page.close();
  return result;
}

async function liveSession(
  browser: Browser,
  host: RunningHost,
): Promise<Record<string, number | string | boolean>> {
  const page = await openApp(browser, host);
  const created = await apiCall<{ id: string }>(page, 'session:create', {
    name: 'Bench live 100 bars/s',
    config: {
      symbols: ['ACME'],
      timeframe: '1m',
      feed: { kind: 'synthetic-live', speed: LIVE_SPEED },
      strategy: { id: 'sma-crossover', params: {} },
    },
  });
  await apiCall(page, 'session:start', { sessionId: created.id });
  let barsReceived = 0;
  let counting = false;
  page.on('websocket', (ws) => {
    ws.on('framereceived', (frame) => {
      if (!counting || typeof frame.payload !== 'string' || !frame.payload.startsWith('{"topic":"bar"'))
        return;
      barsReceived += (JSON.parse(frame.payload) as { batch: unknown[] }).batch.length;
    });
  });
  // The page's own API socket opened before the listener: reload so the bar frames are seen.
  await page.reload();
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  await page.getByTestId('session-page').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(SETTLE_MS);
  const startedAt = await page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    const probe = w.__mbProbe!;
    probe.longTasks.length = 0;
    probe.frames.length = 0;
    return w.performance.now();
  });
  counting = true;
  await page.waitForTimeout(LIVE_SECONDS * 1000);
  counting = false;
  const probe = await page.evaluate((from) => {
    const w = globalThis as unknown as PageWindow;
    const p = w.__mbProbe!;
    return {
      longTasks: p.longTasks.filter((t) => t.start >= from),
      frames: p.frames.filter((t) => t >= from),
      supported: w.PerformanceObserver.supportedEntryTypes.includes('longtask'),
    };
  }, startedAt);
  await apiCall(page, 'session:stop', { sessionId: created.id, flatten: false });
  await page.close();
  const gaps: number[] = [];
  for (let i = 1; i < probe.frames.length; i++) gaps.push(probe.frames[i]! - probe.frames[i - 1]!);
  const longest = probe.longTasks.reduce((most, t) => Math.max(most, t.duration), 0);
  return {
    seconds: LIVE_SECONDS,
    // Long tasks come from CPU contention too: the machine's load during the run, for reading the figures.
    loadAverage1m: round(loadavg()[0]!, 2),
    cpus: cpus().length,
    barsPerSecond: round(barsReceived / LIVE_SECONDS),
    longTasks: probe.longTasks.length,
    longTaskMs: round(probe.longTasks.reduce((sum, t) => sum + t.duration, 0)),
    longestTaskMs: round(longest),
    frames: probe.frames.length,
    frameGapP50Ms: round(percentile(gaps, 50)),
    frameGapP99Ms: round(percentile(gaps, 99)),
    frameGapMaxMs: round(gaps.length > 0 ? Math.max(...gaps) : Number.NaN),
    longTaskTimingSupported: probe.supported,
    target: 'no long tasks',
    met: probe.supported && probe.longTasks.length === 0,
  };
}

export const uiBench: BenchModule = {
  name: 'ui',
  async run() {
    if (!existsSync(RENDERER_INDEX) || !existsSync(HOST_ENTRY)) {
      console.log('out/renderer or out/main/host.js is missing: run `npm run build` first. Skipped.');
      return { 'ui.skipped': { reason: 'not built: run `npm run build` first' } };
    }
    if (!existsSync(CHROMIUM_PATH)) {
      console.log(`Chromium not found at ${CHROMIUM_PATH}. Skipped.`);
      return { 'ui.skipped': { reason: `no Chromium at ${CHROMIUM_PATH}` } };
    }
    const { chromium } = await import('playwright-core');
    const host = await startHostProcess();
    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const results: Record<string, BenchFigures> = {};
    try {
      const empties: number[] = [];
      for (let i = 0; i < EMPTY_ROUNDS; i++) empties.push(await emptyPageLoad(browser, host));
      const emptyMs = median(empties);
      console.log(`empty page load (median of ${EMPTY_ROUNDS}): ${round(emptyMs)} ms`);
      results['ui.emptyPageLoad'] = { ms: round(emptyMs), rounds: EMPTY_ROUNDS };

      const setup = await openApp(browser, host);
      console.log(
        '\nchart of a run: click on its row → newest bars painted, and → all bars loaded (median of rounds)',
      );
      console.log(
        'bars        | run ready  | first paint ms | × empty load | all bars ms | long tasks | longest ms',
      );
      for (const bars of CHART_BARS) {
        const name = `Bench chart ${bars} bars`;
        const created = Date.now();
        const { runId } = await apiCall<{ runId: string }>(setup, 'backtest:run', {
          name,
          data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1m', bars, seed: 7 },
          config: { strategy: { id: 'sma-crossover', params: {} } },
        });
        await waitForRun(setup, runId);
        const readyMs = Date.now() - created;
        const rounds: ChartPaint[] = [];
        for (let i = 0; i < CHART_ROUNDS; i++) {
          // Every round starts cold: no run remembered from the last page, so nothing loads before the click.
          await apiCall(setup, 'settings:set', { patch: { workspace: {} } });
          rounds.push(await chartPaint(browser, host, name, bars));
        }
        const first = median(rounds.map((r) => r.firstPaintMs));
        const all = median(rounds.map((r) => r.allBarsMs));
        const longTasks = median(rounds.map((r) => r.longTasks));
        const longest = median(rounds.map((r) => r.longestTaskMs));
        console.log(
          `${bars.toLocaleString('en-US').padEnd(11)} | ${`${readyMs} ms`.padEnd(10)} | ${String(round(first)).padEnd(14)} | ${String(round(first / emptyMs, 2)).padEnd(12)} | ${String(round(all)).padEnd(11)} | ${String(longTasks).padEnd(10)} | ${round(longest)}`,
        );
        results[`ui.chartPaint.${bars}`] = {
          bars,
          firstPaintMs: round(first),
          ratioToEmptyLoad: round(first / emptyMs, 2),
          allBarsMs: round(all),
          allBarsRatioToEmptyLoad: round(all / emptyMs, 2),
          roundsFirstPaintMs: rounds.map((r) => round(r.firstPaintMs)).join(', '),
          roundsAllBarsMs: rounds.map((r) => round(r.allBarsMs)).join(', '),
          longTasksDuringLoad: longTasks,
          longestTaskMs: round(longest),
          loadAverage1m: round(loadavg()[0]!, 2),
        };
      }
      await setup.close();

      console.log(`\nlive session page, 1m bars at ×${LIVE_SPEED} (100 bars/s) for ${LIVE_SECONDS} s`);
      const live = await liveSession(browser, host);
      console.log(
        `load ${live.loadAverage1m} on ${live.cpus} CPUs | bars/s ${live.barsPerSecond} | long tasks ${live.longTasks} (${live.longTaskMs} ms, longest ${live.longestTaskMs} ms) | frame gap p50 ${live.frameGapP50Ms} ms, p99 ${live.frameGapP99Ms} ms, max ${live.frameGapMaxMs} ms | target met: ${live.met}`,
      );
      if (!live.longTaskTimingSupported) console.log('(this Chromium reports no long task timing)');
      results['ui.liveLongTasks'] = { ...live, longTaskThresholdMs: LONG_TASK_MS };
    } finally {
      await browser.close();
      await host.stop();
    }
    return results;
  },
};
