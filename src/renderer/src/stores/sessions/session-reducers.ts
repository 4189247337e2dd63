// The session store's pure state transitions: a loaded snapshot into the chart's growable series and the account,
// and each push topic's batch into a patch of the store's data (null when nothing changed).
import { type Bar, barAt } from '../../../../shared/domain/bars';
import type {
  AlertPush,
  BarPush,
  EquityPush,
  FillPush,
  FillRow,
  OrderPush,
  SessionSnapshot,
  SessionStatePush,
  SessionSummary,
} from '../../../../shared/domain/session';
import {
  feedSpeed,
  type LiveAccount,
  type LiveChartSeries,
  type SessionData,
  type SessionPush,
} from './session-state';

/** Bars kept per symbol for the chart; older ones are dropped in chunks. */
const MAX_BARS = 20_000;
/** Rows kept in the orders, fills and alerts tables (the ledger keeps everything). */
const MAX_ROWS = 5_000;
/** Points kept in the equity curve. */
const MAX_EQUITY_POINTS = 50_000;
const MAX_TOASTS = 5;

const DAY_MS = 86_400_000;
const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

export function accountOf(snapshot: SessionSnapshot): LiveAccount {
  const last = snapshot.equityCurve.time.length;
  return {
    equity: snapshot.equity,
    cash: snapshot.cash,
    dayStartEquity: snapshot.dayStartEquity,
    lastTime: last > 0 ? snapshot.equityCurve.time[last - 1]! : null,
    latencyMs: null,
    speed: feedSpeed(snapshot.session.config),
    riskState: snapshot.riskState,
    riskReason: snapshot.riskReason,
  };
}

/** The snapshot's bars and indicator lines copied into store-owned arrays (the buffers bar pushes grow). */
export function chartSeriesOf(bars: SessionSnapshot['bars']): Record<string, LiveChartSeries> {
  const own: Record<string, LiveChartSeries> = {};
  for (const [symbol, b] of Object.entries(bars)) {
    const n = b.length;
    const copy = (column: Float64Array) => Array.from(column.subarray(0, n));
    own[symbol] = {
      time: copy(b.time),
      open: copy(b.open),
      high: copy(b.high),
      low: copy(b.low),
      close: copy(b.close),
      volume: copy(b.volume),
      indicators: b.indicators,
      lines: b.indicators.flatMap((set) => set.lines.map((line) => copy(line.values))),
    };
  }
  return own;
}

function emptySeries(): LiveChartSeries {
  return { time: [], open: [], high: [], low: [], close: [], volume: [], indicators: [], lines: [] };
}

export function lastBarsOf(bars: Readonly<Record<string, LiveChartSeries>>): Record<string, Bar> {
  const last: Record<string, Bar> = {};
  for (const [symbol, b] of Object.entries(bars)) {
    const i = b.time.length - 1;
    if (i >= 0) last[symbol] = barAt(b, i);
  }
  return last;
}

/**
 * Appends a bar (with its indicator values, null = none yet) to a series, or replaces the last one with the same
 * time; older bars are ignored.
 */
function appendBar(series: LiveChartSeries, bar: Bar, indicators: readonly (number | null)[] = []): boolean {
  const n = series.time.length;
  const lastTime = n > 0 ? series.time[n - 1]! : Number.NEGATIVE_INFINITY;
  if (bar.time < lastTime) return false;
  const value = (k: number) => indicators[k] ?? Number.NaN;
  if (bar.time === lastTime) {
    series.open[n - 1] = bar.open;
    series.high[n - 1] = bar.high;
    series.low[n - 1] = bar.low;
    series.close[n - 1] = bar.close;
    series.volume[n - 1] = bar.volume;
    series.lines.forEach((line, k) => {
      line[n - 1] = value(k);
    });
    return true;
  }
  series.time.push(bar.time);
  series.open.push(bar.open);
  series.high.push(bar.high);
  series.low.push(bar.low);
  series.close.push(bar.close);
  series.volume.push(bar.volume);
  series.lines.forEach((line, k) => {
    line.push(value(k));
  });
  if (series.time.length > MAX_BARS + 1_000) {
    const drop = series.time.length - MAX_BARS;
    for (const column of [series.time, series.open, series.high, series.low, series.close, series.volume])
      column.splice(0, drop);
    for (const line of series.lines) line.splice(0, drop);
  }
  return true;
}

export function upsertSummary(
  sessions: readonly SessionSummary[],
  summary: SessionSummary,
): readonly SessionSummary[] {
  const i = sessions.findIndex((s) => s.id === summary.id);
  if (i < 0) return [summary, ...sessions];
  const next = sessions.slice();
  next[i] = summary;
  return next;
}

// ---------------------------------------------------------------- push reducers (pure over the state)

type Data = SessionData;

function reduceBars(state: Data, batch: readonly BarPush[]): Partial<Data> | null {
  if (!state.snapshot || state.selectedId === null) return null;
  const buffer = state.chartBars as Record<string, LiveChartSeries>;
  let lastBars: Record<string, Bar> | null = null;
  for (const push of batch) {
    if (push.sessionId !== state.selectedId) continue;
    const { sessionId: _s, symbol, indicators, ...bar } = push;
    let series = buffer[symbol];
    if (!series) {
      series = emptySeries();
      buffer[symbol] = series; // in place: the buffer is the store's own (see `select`)
    }
    if (appendBar(series, bar, indicators)) {
      lastBars ??= { ...state.lastBars };
      lastBars[symbol] = bar;
    }
  }
  return lastBars ? { lastBars } : null;
}

function reduceOrders(state: Data, batch: readonly OrderPush[]): Partial<Data> | null {
  const snapshot = state.snapshot;
  if (!snapshot) return null;
  let orders: SessionSnapshot['orders'] | null = null;
  for (const { sessionId, order } of batch) {
    if (sessionId !== snapshot.session.id) continue;
    const current: SessionSnapshot['orders'] = orders ?? snapshot.orders;
    const i = current.findIndex((o) => o.id === order.id);
    if (i >= 0) {
      // An older event for an order already further along (replayed after a load) does not move it back.
      if (current[i]!.updatedAt > order.updatedAt) continue;
      const next = current.slice();
      next[i] = order;
      orders = next;
    } else {
      orders = [order, ...current].slice(0, MAX_ROWS);
    }
  }
  return orders ? { snapshot: { ...snapshot, orders } } : null;
}

function reduceFills(state: Data, batch: readonly FillPush[]): Partial<Data> | null {
  const snapshot = state.snapshot;
  if (!snapshot) return null;
  const fresh = batch.filter((p) => p.sessionId === snapshot.session.id).map((p) => p.fill);
  if (fresh.length === 0) return null;
  // Executions are unique; a fill already shown (the snapshot raced its push) is not shown twice.
  const known = new Set(snapshot.fills.slice(0, 500).map((f) => f.executionId));
  const added: FillRow[] = [];
  for (const fill of fresh) {
    if (known.has(fill.executionId)) continue;
    known.add(fill.executionId);
    added.push(fill);
  }
  if (added.length === 0) return null;
  added.reverse(); // newest first, like the snapshot
  return { snapshot: { ...snapshot, fills: [...added, ...snapshot.fills].slice(0, MAX_ROWS) } };
}

function reduceEquity(state: Data, batch: readonly EquityPush[]): Partial<Data> | null {
  const accounts = { ...state.accounts };
  const equityOf = new Map<string, number>();
  let snapshot = state.snapshot;
  let touched = false;
  let ownCurve: { time: number[]; equity: number[] } | null = null;
  for (const push of batch) {
    touched = true;
    equityOf.set(push.sessionId, push.equity);
    const before = accounts[push.sessionId];
    // Accounts start from a snapshot (which knows the day-start equity); pushes only carry them forward.
    if (before) {
      if (before.lastTime !== null && push.time < before.lastTime) continue;
      // The day rolls at 00:00 UTC of bar time: the last equity of the old day starts the new one.
      const rolled = before.lastTime !== null && utcDay(push.time) !== utcDay(before.lastTime);
      accounts[push.sessionId] = {
        ...before,
        equity: push.equity,
        cash: push.cash,
        dayStartEquity: rolled ? before.equity : before.dayStartEquity,
        lastTime: push.time,
        latencyMs: push.sentAt === undefined ? before.latencyMs : Math.max(0, Date.now() - push.sentAt),
      };
    }
    if (snapshot && snapshot.session.id === push.sessionId) {
      const curve = snapshot.equityCurve;
      const n = curve.time.length;
      const lastTime = n > 0 ? curve.time[n - 1]! : Number.NEGATIVE_INFINITY;
      if (push.time < lastTime) continue;
      // The curve is copied once per batch (not once per push: a fast feed brings dozens of points a frame).
      if (ownCurve !== curve) ownCurve = { time: curve.time.slice(), equity: curve.equity.slice() };
      let time: number[] = ownCurve.time;
      let equity: number[] = ownCurve.equity;
      if (push.time === lastTime) {
        equity[n - 1] = push.equity;
      } else {
        time.push(push.time);
        equity.push(push.equity);
        if (time.length > MAX_EQUITY_POINTS) {
          time = time.slice(-MAX_EQUITY_POINTS);
          equity = equity.slice(-MAX_EQUITY_POINTS);
        }
      }
      ownCurve = { time, equity };
      snapshot = {
        ...snapshot,
        equity: push.equity,
        cash: push.cash,
        positions: push.positions,
        dayStartEquity: accounts[push.sessionId]?.dayStartEquity ?? snapshot.dayStartEquity,
        ...(push.limitBasis !== undefined && { limitBasis: push.limitBasis }),
        equityCurve: ownCurve,
      };
    }
  }
  if (!touched) return null;
  const sessions = state.sessions.map((s) =>
    equityOf.has(s.id) ? { ...s, equity: equityOf.get(s.id)! } : s,
  );
  return { accounts, sessions, snapshot };
}

function reduceAlerts(state: Data, batch: readonly AlertPush[]): Partial<Data> | null {
  if (batch.length === 0) return null;
  let snapshot = state.snapshot;
  const toasts = state.toasts.slice();
  for (const { sessionId, alert } of batch) {
    const key = `${sessionId}:${alert.id}`;
    if (!toasts.some((t) => t.key === key)) toasts.push({ key, sessionId, alert });
    if (snapshot && snapshot.session.id === sessionId && !snapshot.alerts.some((a) => a.id === alert.id)) {
      snapshot = { ...snapshot, alerts: [alert, ...snapshot.alerts].slice(0, MAX_ROWS) };
    }
  }
  return { snapshot, toasts: toasts.slice(-MAX_TOASTS) };
}

export function reduceSessionState(state: Data, batch: readonly SessionStatePush[]): Partial<Data> | null {
  if (batch.length === 0) return null;
  let sessions = state.sessions;
  let snapshot = state.snapshot;
  const accounts = { ...state.accounts };
  const statusMessages = { ...state.statusMessages };
  for (const push of batch) {
    sessions = sessions.map((s) =>
      s.id === push.sessionId ? { ...s, status: push.status, runId: push.runId ?? s.runId } : s,
    );
    const account = accounts[push.sessionId];
    if (account) {
      accounts[push.sessionId] = {
        ...account,
        riskState: push.riskState,
        riskReason: push.riskState === 'ACTIVE' ? null : account.riskReason,
      };
    }
    if (push.message !== undefined) statusMessages[push.sessionId] = push.message;
    else if (push.status === 'running') delete statusMessages[push.sessionId];
    if (snapshot && snapshot.session.id === push.sessionId && push.runId === snapshot.runId) {
      snapshot = {
        ...snapshot,
        riskState: push.riskState,
        riskReason: push.riskState === 'ACTIVE' ? null : snapshot.riskReason,
        session: { ...snapshot.session, status: push.status },
      };
    }
  }
  return { sessions, snapshot, accounts, statusMessages };
}

/** One topic's batch into a patch of the store's data. */
export function reducePush(state: Data, item: SessionPush): Partial<Data> | null {
  switch (item.topic) {
    case 'bar':
      return reduceBars(state, item.batch);
    case 'order':
      return reduceOrders(state, item.batch);
    case 'fill':
      return reduceFills(state, item.batch);
    case 'equity':
      return reduceEquity(state, item.batch);
    case 'alert':
      return reduceAlerts(state, item.batch);
  }
}
