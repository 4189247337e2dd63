// Replay parity: a recorded paper run replayed through the backtester on the bars it saw, with its own config
// snapshot, must give its fills back. A simulator run gives them back exactly (same engine, same seed); an Alpaca
// run is replayed on the simulator's default next-open fills, and each fill that differs is put down to a reason
// the trader can check: the broker was later, filled part, filled at another price, refused, or the user acted.

import { TIMEFRAME_MS } from '../../shared/domain/bars';
import type { ParityDifference, ParityFill, ParityReason, ParityReport } from '../../shared/domain/research';
import { fillList } from '../engine/fill-table';
import { iso, num } from '../research/report';
import type { SessionRepo } from '../store/session-repo';
import type { SessionConfig } from '../strategies/run-config';
import type { SignalModel } from '../strategies/signal-model';
import { backtestSessionBars } from './paper-vs-backtest';

/** A fill on either side, with the order it belongs to (the order's decision bar pairs the two sides). */
export interface ParityFillInput extends ParityFill {
  readonly orderId: string;
}

/** What pairing and classifying need of an order on either side. */
export interface ParityOrderInput {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  /** The bar time the order was decided at. */
  readonly createdAt: number;
  readonly status: string;
  readonly statusReason: string | null;
}

export interface ParityInputs {
  readonly sessionId: string;
  readonly venue: ParityReport['venue'];
  /** The distinct bar times the run saw, ascending: 'bars later' counts them. */
  readonly barTimes: readonly number[];
  /** One bar's length: a broker fill after the last stored bar is counted in bars of it. */
  readonly barMs: number;
  /** Oldest first, as the run applied them. */
  readonly session: {
    readonly fills: readonly ParityFillInput[];
    readonly orders: readonly ParityOrderInput[];
  };
  readonly replay: {
    readonly fills: readonly ParityFillInput[];
    readonly orders: readonly ParityOrderInput[];
  };
  /** Session orders the user placed (flatten, manual close, trade plan and their legs). */
  readonly manualOrders: ReadonlySet<string>;
}

/** A price difference this small is rounding, not the broker: a cent. */
const PRICE_TOLERANCE = 0.01 + 1e-9;
const QTY_TOLERANCE = 1e-9;

const REASON_WORDS: Record<ParityReason, string> = {
  latency: 'latency',
  'partial-fill': 'partial fill',
  'broker-price': 'broker price',
  rejection: 'rejection',
  manual: 'manual',
  unexplained: 'unexplained',
};

/** A difference as the cause of later ones. */
const CAUSE_WORDS: Record<ParityReason, string> = {
  latency: 'the broker’s late fill',
  'partial-fill': 'the broker’s partial fill',
  'broker-price': 'the broker’s price',
  rejection: 'the refused order',
  manual: 'the user’s action',
  unexplained: 'an unexplained difference',
};

const fillOf = (f: ParityFillInput): ParityFill => ({
  time: f.time,
  symbol: f.symbol,
  side: f.side,
  qty: f.qty,
  price: f.price,
});

const describe = (f: ParityFill): string => `${f.side} ${f.qty} ${f.symbol} at ${f.price} (${iso(f.time)})`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

/**
 * Pairs the two runs' fills and names each difference. Passes, each on what the earlier ones left: exact twins
 * (time, symbol, side, quantity, price within a cent); then fills of orders decided at the same bar for the same
 * symbol and side, in order of occurrence (latency, partial fill, broker price); then orders one side refused; then
 * the user's own orders and what followed from them while the two accounts held different positions; the rest is
 * unexplained.
 */
export function compareFills(input: ParityInputs): ParityReport {
  return pairFills(input).report;
}

/** A session fill and the replay fill it stands for (the same order filled, maybe later, in part or elsewhere). */
export interface FillPair {
  readonly session: ParityFillInput;
  readonly replay: ParityFillInput;
}

/** compareFills, with the pairs it found: each session fill given back by the replay, exactly or not. */
export function pairFills(input: ParityInputs): { report: ParityReport; pairs: FillPair[] } {
  const { session, replay, barTimes, manualOrders } = input;
  const pairs: FillPair[] = [];
  const sessionOrders = new Map(session.orders.map((o) => [o.id, o]));
  const replayOrders = new Map(replay.orders.map((o) => [o.id, o]));
  const sessionUsed = new Array<boolean>(session.fills.length).fill(false);
  const replayUsed = new Array<boolean>(replay.fills.length).fill(false);
  const differences: { order: number; difference: ParityDifference }[] = [];
  const add = (time: number, difference: ParityDifference) => differences.push({ order: time, difference });

  // 1. Exact twins.
  const exactKey = (f: ParityFill) => `${f.time}|${f.symbol}|${f.side}`;
  const replayByKey = new Map<string, number[]>();
  replay.fills.forEach((f, k) => {
    const list = replayByKey.get(exactKey(f)) ?? [];
    list.push(k);
    replayByKey.set(exactKey(f), list);
  });
  let matched = 0;
  session.fills.forEach((f, i) => {
    const k = replayByKey
      .get(exactKey(f))
      ?.find(
        (k) =>
          !replayUsed[k] &&
          Math.abs(replay.fills[k]!.qty - f.qty) < QTY_TOLERANCE &&
          Math.abs(replay.fills[k]!.price - f.price) <= PRICE_TOLERANCE,
      );
    if (k === undefined) return;
    sessionUsed[i] = true;
    replayUsed[k] = true;
    pairs.push({ session: f, replay: replay.fills[k]! });
    matched++;
  });

  // 2. Same decision bar, symbol and side: the same order, filled differently.
  const decisionKey = (f: ParityFillInput, orders: ReadonlyMap<string, ParityOrderInput>) =>
    `${orders.get(f.orderId)?.createdAt ?? f.time}|${f.symbol}|${f.side}`;
  const replayByDecision = new Map<string, number[]>();
  replay.fills.forEach((f, k) => {
    if (replayUsed[k]) return;
    const key = decisionKey(f, replayOrders);
    const list = replayByDecision.get(key) ?? [];
    list.push(k);
    replayByDecision.set(key, list);
  });
  const barIndex = (time: number) => barNumber(barTimes, input.barMs, time);
  // From the user's first action on, the two accounts differ (cash, positions, the venue's random draws): later
  // differences nothing else explains follow from it.
  const manualStart = Math.min(
    ...session.orders.filter((o) => manualOrders.has(o.id)).map((o) => o.createdAt),
  );
  const manualWords = `the user’s action at ${Number.isFinite(manualStart) ? iso(manualStart) : ''}`;
  /** When a broker price first moved the session's equity away from the replay's. */
  let brokerPriceSince = Number.POSITIVE_INFINITY;
  /** The replay fill each session order was paired with: the rest of a partly filled order refers to it. */
  const pairedWith = new Map<string, ParityFillInput>();
  session.fills.forEach((f, i) => {
    if (sessionUsed[i]) return;
    const k = replayByDecision.get(decisionKey(f, sessionOrders))?.find((k) => !replayUsed[k]);
    const earlier = pairedWith.get(f.orderId);
    if (k === undefined && earlier !== undefined) {
      // More of an order the replay filled whole: the broker filled it in parts.
      sessionUsed[i] = true;
      pairs.push({ session: f, replay: earlier });
      const later = barIndex(f.time) - barIndex(earlier.time);
      const whole = sessionOrders.get(f.orderId)?.qty ?? earlier.qty;
      add(f.time, {
        session: fillOf(f),
        replay: null,
        reason: later > 0 ? 'latency' : 'partial-fill',
        detail:
          later > 0
            ? `the rest of the order (${f.qty} of ${whole}) filled ${plural(later, 'bar')} later at the broker than the replay’s whole fill`
            : `another part (${f.qty} of ${whole}) of an order the replay filled whole in this bar`,
      });
      return;
    }
    if (k === undefined) return;
    pairedWith.set(f.orderId, replay.fills[k]!);
    pairs.push({ session: f, replay: replay.fills[k]! });
    sessionUsed[i] = true;
    replayUsed[k] = true;
    const r = replay.fills[k]!;
    const order = sessionOrders.get(f.orderId);
    const later = barIndex(f.time) - barIndex(r.time);
    const priceGap = f.price - r.price;
    const priceWords = `price ${f.price} vs ${r.price} (${signed(priceGap)}/share, ${signed(priceGap * Math.min(f.qty, r.qty))} in all)`;
    // The order was sized at its decision bar: only what moved the equity before then can explain its size.
    const decided = order?.createdAt ?? f.time;
    // Any price the broker gave that the replay did not moves the session's equity (and later sizes) away.
    if (Math.abs(priceGap) > PRICE_TOLERANCE) brokerPriceSince = Math.min(brokerPriceSince, f.time);
    let reason: ParityReason;
    let detail: string;
    if (later !== 0) {
      reason = 'latency';
      detail = `filled ${plural(Math.abs(later), 'bar')} ${later > 0 ? 'later' : 'earlier'} at the broker than in the replay`;
      if (Math.abs(priceGap) > PRICE_TOLERANCE) detail += `; ${priceWords}`;
      if (Math.abs(f.qty - r.qty) > QTY_TOLERANCE) detail += `; ${f.qty} shares vs ${r.qty}`;
    } else if (Math.abs(f.qty - r.qty) > QTY_TOLERANCE) {
      const partial =
        order !== undefined &&
        (order.status === 'partially_filled' ||
          session.fills.filter((g) => g.orderId === f.orderId).length > 1 ||
          f.qty < order.qty - QTY_TOLERANCE);
      if (partial) {
        reason = 'partial-fill';
        detail = `the broker filled ${f.qty} of the order's ${order.qty} here; the replay filled ${r.qty}`;
      } else if (manualStart < decided && manualStart <= brokerPriceSince) {
        reason = 'manual';
        detail = `ordered ${f.qty} vs ${r.qty} in the replay: sized on equity ${manualWords} changed`;
      } else if (brokerPriceSince <= decided) {
        reason = 'broker-price';
        detail = `ordered ${f.qty} vs ${r.qty} in the replay: sized on equity moved by the broker’s earlier prices`;
      } else {
        reason = 'unexplained';
        detail = `ordered ${f.qty} vs ${r.qty} in the replay`;
      }
    } else if (Math.abs(priceGap) > PRICE_TOLERANCE) {
      reason = 'broker-price';
      detail = `same bar, ${priceWords}`;
    } else {
      // Same bar, same quantity and price, only the time within the bar differs: a match in all but the clock.
      matched++;
      return;
    }
    add(f.time, { session: fillOf(f), replay: fillOf(r), reason, detail });
  });

  // 3. An order one side refused (or its venue canceled unfilled) that the other filled.
  const ordersByDecision = (orders: readonly ParityOrderInput[]) => {
    const map = new Map<string, ParityOrderInput[]>();
    for (const o of orders) {
      const key = `${o.createdAt}|${o.symbol}|${o.side}`;
      map.set(key, [...(map.get(key) ?? []), o]);
    }
    return map;
  };
  const refused = (o: ParityOrderInput) =>
    o.status === 'rejected' ||
    o.status === 'expired' ||
    (o.status === 'canceled' && !/by the user/.test(o.statusReason ?? ''));
  const sessionByDecision = ordersByDecision(session.orders);
  const replayByDecisionOrders = ordersByDecision(replay.orders);
  replay.fills.forEach((r, k) => {
    if (replayUsed[k]) return;
    const refusedOrder = sessionByDecision.get(decisionKey(r, replayOrders))?.find(refused);
    if (refusedOrder === undefined) return;
    replayUsed[k] = true;
    add(r.time, {
      session: null,
      replay: fillOf(r),
      reason: 'rejection',
      detail: `the broker ${refusedOrder.status === 'rejected' ? 'rejected' : refusedOrder.status === 'expired' ? 'let expire' : 'canceled'} the order (${refusedOrder.statusReason ?? 'no reason given'}); the replay filled it`,
    });
  });
  session.fills.forEach((f, i) => {
    if (sessionUsed[i]) return;
    const refusedOrder = replayByDecisionOrders.get(decisionKey(f, sessionOrders))?.find(refused);
    if (refusedOrder === undefined) return;
    sessionUsed[i] = true;
    add(f.time, {
      session: fillOf(f),
      replay: null,
      reason: 'rejection',
      detail: `the replay’s simulated broker refused the order (${refusedOrder.statusReason ?? 'no reason given'}); the broker filled it`,
    });
  });

  // 4. The user's own orders.
  session.fills.forEach((f, i) => {
    if (sessionUsed[i] || !manualOrders.has(f.orderId)) return;
    sessionUsed[i] = true;
    add(f.time, {
      session: fillOf(f),
      replay: null,
      reason: 'manual',
      detail:
        'placed by the user (flatten, manual close or trade plan); the strategy alone did not trade here',
    });
  });

  // 5. What followed: a fill one run made while the two held different positions of its symbol, after an explained
  // difference on it (a position the broker was still filling, one the user closed), follows from that difference;
  // after the user's first action, anything else does too (cash and the venue's random draws differ since).
  const positionBefore = (fills: readonly ParityFillInput[], symbol: string, time: number) =>
    fills.reduce(
      (qty, f) => (f.symbol === symbol && f.time < time ? qty + (f.side === 'buy' ? f.qty : -f.qty) : qty),
      0,
    );
  const symbolOf = (d: ParityDifference) => (d.session ?? d.replay)!.symbol;
  const leftovers = [
    ...session.fills.filter((_, i) => !sessionUsed[i]).map((f) => ({ f, inSession: true })),
    ...replay.fills.filter((_, k) => !replayUsed[k]).map((f) => ({ f, inSession: false })),
  ].sort((x, y) => x.f.time - y.f.time);
  for (const { f, inSession } of leftovers) {
    const held = positionBefore(session.fills, f.symbol, f.time);
    const replayHeld = positionBefore(replay.fills, f.symbol, f.time);
    const cause = differences
      .filter(
        ({ order, difference: d }) =>
          order <= f.time && d.reason !== 'unexplained' && symbolOf(d) === f.symbol,
      )
      .reduce<{ order: number; difference: ParityDifference } | undefined>(
        (latest, d) => (latest === undefined || d.order >= latest.order ? d : latest),
        undefined,
      );
    const apart = Math.abs(held - replayHeld) > QTY_TOLERANCE;
    let reason: ParityReason;
    let detail: string;
    if (cause !== undefined && (apart || (cause.difference.reason === 'manual' && cause.order === f.time))) {
      reason = cause.difference.reason;
      detail = `follows ${CAUSE_WORDS[reason]} at ${iso(cause.order)}: ${f.symbol} held ${held} in the session and ${replayHeld} in the replay by then`;
    } else if (f.time >= manualStart) {
      reason = 'manual';
      detail = `follows ${manualWords}: the two accounts differ since`;
    } else continue;
    if (inSession) sessionUsed[session.fills.indexOf(f)] = true;
    else replayUsed[replay.fills.indexOf(f)] = true;
    add(f.time, {
      session: inSession ? fillOf(f) : null,
      replay: inSession ? null : fillOf(f),
      reason,
      detail: `${inSession ? 'only the session' : 'only the replay'} filled this; it ${detail}`,
    });
  }

  // 6. The rest.
  session.fills.forEach((f, i) => {
    if (sessionUsed[i]) return;
    add(f.time, {
      session: fillOf(f),
      replay: null,
      reason: 'unexplained',
      detail: `the session filled ${describe(f)}; the replay has no such fill`,
    });
  });
  replay.fills.forEach((r, k) => {
    if (replayUsed[k]) return;
    add(r.time, {
      session: null,
      replay: fillOf(r),
      reason: 'unexplained',
      detail: `the replay filled ${describe(r)}; the session has no such fill`,
    });
  });

  const ordered = differences.sort((a, b) => a.order - b.order).map((d) => d.difference);
  const report: ParityReport = {
    sessionId: input.sessionId,
    venue: input.venue,
    bars: barTimes.length,
    sessionFills: session.fills.length,
    replayFills: replay.fills.length,
    matched,
    differences: ordered,
    verdict: verdictOf(matched, ordered),
  };
  return { report, pairs };
}

function verdictOf(matched: number, differences: readonly ParityDifference[]): string {
  if (differences.length === 0) {
    return matched === 0
      ? 'Neither the session nor its replay filled anything'
      : `The replay gives every fill back: ${plural(matched, 'fill')} ${matched === 1 ? 'matches' : 'match'}`;
  }
  const counts = new Map<ParityReason, number>();
  for (const d of differences) counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);
  const byReason = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} ${REASON_WORDS[reason]}`)
    .join(', ');
  // Each difference is one fill (or one pair of fills) and each match one pair: together, every fill of either run.
  const n = differences.length;
  return `${n} of ${plural(matched + n, 'fill')} ${n === 1 ? 'differs' : 'differ'}: ${byReason}`;
}

/** Which bar `time` falls in: how many of the run's bar times are at or before it, counted on past the last one. */
export function barNumber(barTimes: readonly number[], barMs: number, time: number): number {
  const last = barTimes.at(-1) ?? Number.POSITIVE_INFINITY;
  return upperBound(barTimes, time) + (time >= last + barMs ? Math.floor((time - last) / barMs) : 0);
}

/** How many of the ascending `times` are at or before `time`. */
function upperBound(times: readonly number[], time: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The run's orders the user placed: those decided at a bar where the user executed a trade plan; every order
 * decided from a flatten until the account was flat again (the strategies' own intents are replaced meanwhile, and
 * a refused close is tried again at the next bar); those closing positions when the session stopped and flattened
 * at a broker (trades exited by 'flatten'); those sent from the order ticket (marked manual); and the legs of all of them.
 */
export function manualOrdersOf(repo: SessionRepo, runId: string): Set<string> {
  const all = Number.POSITIVE_INFINITY;
  const events = repo.riskEvents(runId, all);
  const planTimes = new Set(events.filter((e) => e.kind === 'user-trade-plan').map((e) => e.time));
  const fills = repo.fills(runId, all).reverse();
  const flattenWindows = events
    .filter((e) => e.kind === 'user-flatten')
    .map((e) => [e.time, flatAgain(fills, e.time)] as const);
  const orders = repo.orderRecords(runId);
  const flattenExits = new Set(
    repo
      .trades(runId)
      .filter((t) => t.exitReason === 'flatten')
      .map((t) => `${t.symbol}|${t.exitTime}`),
  );
  const manual = new Set<string>();
  for (const o of orders) {
    const t = o.createdAt;
    // Orders from the ticket carry their mark in the ledger.
    if (o.manual === true) manual.add(o.id);
    if (planTimes.has(t) || flattenWindows.some(([from, to]) => t >= from && t <= to)) manual.add(o.id);
  }
  for (const f of fills) if (flattenExits.has(`${f.symbol}|${f.time}`)) manual.add(f.orderId);
  // Legs (stop loss, take profit) of a manual order are the user's too; parents come before their legs.
  for (const o of orders) if (o.parentId !== null && manual.has(o.parentId)) manual.add(o.id);
  return manual;
}

/** When the account first held nothing at or after `from`, by its fills (oldest first); +∞ if never. */
function flatAgain(fills: readonly ParityFill[], from: number): number {
  const held = new Map<string, number>();
  for (const f of fills) {
    const qty = (held.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty);
    held.set(f.symbol, Math.abs(qty) < QTY_TOLERANCE ? 0 : qty);
    if (f.time >= from && [...held.values()].every((q) => q === 0)) return f.time;
  }
  return Number.POSITIVE_INFINITY;
}

/** The backtester's venue for a replay: the session's own simulator, or for Alpaca the simulator's defaults. */
export function replayConfigOf(config: SessionConfig): SessionConfig {
  if (config.venueKind === 'simulated') return config;
  // Next-open fills, no slippage, no partial fills, no random rejections, no latency: the broker's ideal.
  const { maxVolumeShare: _partialFills, ...venue } = config.venue;
  return {
    ...config,
    venue: {
      ...venue,
      fill: 'next-open',
      slippageBps: 0,
      slippageAmount: 0,
      rejectProbability: 0,
      latencyBars: 0,
    },
  };
}

/** Replays run `runId` of session `sessionId` (config: the run's snapshot) and compares its fills with the ledger's. */
export function replayParity(
  repo: SessionRepo,
  sessionId: string,
  runId: string,
  config: SessionConfig,
  models: readonly SignalModel[] = [],
): ParityReport {
  const all = Number.POSITIVE_INFINITY;
  const bars = Object.fromEntries(config.symbols.map((s) => [s, repo.bars(runId, s)]));
  const barTimes = [...new Set(Object.values(bars).flatMap((b) => b.time))].sort((a, b) => a - b);
  const sessionOrders = repo.orderRecords(runId);
  const sessionFills = repo.fills(runId, all).reverse();
  const base = {
    sessionId,
    venue: config.venueKind,
    barTimes,
    barMs: TIMEFRAME_MS[config.timeframe],
    session: { fills: sessionFills, orders: sessionOrders },
    manualOrders: manualOrdersOf(repo, runId),
  };
  if (barTimes.length === 0) return compareFills({ ...base, replay: { fills: [], orders: [] } });
  const result = backtestSessionBars(replayConfigOf(config), bars, {
    keepOrders: true,
    ...(models.length > 0 && { models }),
  });
  const replayOrders = result.orders.map((o) => ({
    id: o.id,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    createdAt: o.createdAt,
    status: o.status,
    statusReason: o.statusReason ?? null,
  }));
  const report = compareFills({ ...base, replay: { fills: fillList(result.fills), orders: replayOrders } });
  const adopted = adoptedPositions(repo, runId);
  return adopted === 0
    ? report
    : {
        ...report,
        verdict: `${report.verdict}; the run adopted ${adopted === 1 ? 'a position' : `${adopted} positions`} at its start that the replay, starting flat, does not hold`,
      };
}

/** Positions an Alpaca run took over from the account at its start (its journal's 'adopted' entry). */
function adoptedPositions(repo: SessionRepo, runId: string): number {
  return repo
    .brokerEvents(runId)
    .filter((e) => e.kind === 'adopted')
    .reduce((n, e) => n + ((JSON.parse(e.event) as { positions?: unknown[] }).positions?.length ?? 0), 0);
}

/** The differences as CSV rows (the CLI's differences.csv): one per difference, both sides' fills and the reason. */
export function differencesCsv(report: ParityReport): string {
  const lines = [
    'reason,symbol,side,session_time,session_qty,session_price,replay_time,replay_qty,replay_price,detail',
  ];
  const side = (f: ParityFill | null) =>
    f === null ? ['', '', ''] : [iso(f.time), num(f.qty), num(f.price)];
  for (const d of report.differences) {
    const f = (d.session ?? d.replay)!;
    lines.push(
      [
        d.reason,
        f.symbol,
        f.side,
        ...side(d.session),
        ...side(d.replay),
        `"${d.detail.replaceAll('"', '""')}"`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
