// The simulator twin of an Alpaca paper run: a second engine on the simulator's next-open fills, fed the bars the
// run processes, at the same point and in the same order (no network of its own). While the run is live the twin
// runs beside it, in memory; after a restart the run's ledger replay feeds it again, and for a finished run it is
// rebuilt from the bars the ledger stored — the same bars in the same order give the same twin.

import { TIMEFRAME_MS } from '../../shared/domain/bars';
import type { ShadowAttributionRow, ShadowFill, ShadowView } from '../../shared/domain/shadow';
import { seededRandom } from '../../shared/random';
import { Engine } from '../engine/engine';
import { EventCollector } from '../engine/events';
import { fillList } from '../engine/fill-table';
import { sequentialIds } from '../engine/ids';
import { simVenue } from '../engine/sim-venue';
import type { StrategyRun } from '../engine/strategy';
import type { BarRow, SessionRepo } from '../store/session-repo';
import { buildMarkets } from '../strategies/market-builder';
import { type SessionConfig, tradingDayEndFor } from '../strategies/run-config';
import {
  barNumber,
  type ParityFillInput,
  type ParityOrderInput,
  pairFills,
  replayConfigOf,
} from './replay-parity';
import { LiveSeries } from './run-markets';

export class ShadowTwin {
  private readonly collector = new EventCollector({ orders: 'final' });
  private readonly engine: Engine;

  /** A twin reading `series`, which the run appends its bars to; step() after each bar time. */
  constructor(config: SessionConfig, series: readonly LiveSeries[], run?: StrategyRun) {
    const twin = replayConfigOf(config);
    this.engine = new Engine(
      {
        markets: buildMarkets(twin, series, run).markets,
        cash: twin.cash,
        risk: twin.risk,
        tradingDayEnd: tradingDayEndFor(twin.calendar, twin.timeframe),
        ids: sequentialIds('twin'),
        sink: this.collector,
        closeAtEnd: false,
      },
      simVenue(twin.venue, seededRandom(twin.seed), twin.account),
    );
  }

  /** A twin with series of its own, fed the bars a run's ledger stored (by time, then symbol). */
  static rebuilt(config: SessionConfig, bars: readonly BarRow[]): ShadowTwin {
    const series = config.symbols.map((symbol) => new LiveSeries(symbol, config.timeframe));
    const twin = new ShadowTwin(config, series);
    for (let start = 0; start < bars.length; ) {
      let end = start;
      while (end < bars.length && bars[end]!.time === bars[start]!.time) end++;
      for (const bar of bars.slice(start, end)) series[config.symbols.indexOf(bar.symbol)]?.append(bar);
      twin.step();
      start = end;
    }
    return twin;
  }

  /** The bar time the run just appended to the series: the twin decides and fills on it too. */
  step(): void {
    while (this.engine.step()) {
      // one bar time per call
    }
  }

  fills(): ParityFillInput[] {
    return fillList(this.collector.fills.table());
  }

  orders(): ParityOrderInput[] {
    return this.collector.finalOrders.map((o) => ({
      id: o.id,
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      createdAt: o.createdAt,
      status: o.status,
      statusReason: o.statusReason ?? null,
    }));
  }

  equity(): { time: number[]; equity: number[] } {
    const curve = this.engine.curve;
    return {
      time: Array.from(curve.time.subarray(0, curve.length)),
      equity: Array.from(curve.equity.subarray(0, curve.length)),
    };
  }
}

const fillOf = (f: ParityFillInput): ShadowFill => ({
  time: f.time,
  symbol: f.symbol,
  side: f.side,
  qty: f.qty,
  price: f.price,
});

/**
 * The run beside its twin: both equity curves and per-fill attribution. Broker fills are paired with twin fills
 * as replay parity pairs them (the same decision bar, symbol and side, in order); slippage is the broker's price
 * against the twin's times the broker's quantity, as a cost; timing is how many bars later the broker filled.
 */
export function shadowView(
  repo: SessionRepo,
  ids: { readonly sessionId: string; readonly runId: string },
  config: SessionConfig,
  live: ShadowTwin | undefined,
): ShadowView {
  const { runId } = ids;
  const all = Number.POSITIVE_INFINITY;
  const twin = live ?? ShadowTwin.rebuilt(config, repo.allBars(runId));
  const barTimes = [...new Set(repo.allBars(runId).map((b) => b.time))];
  const barMs = TIMEFRAME_MS[config.timeframe];
  const brokerFills = repo.fills(runId, all).reverse();
  const twinFills = twin.fills();
  const { pairs } = pairFills({
    sessionId: ids.sessionId,
    venue: config.venueKind,
    barTimes,
    barMs,
    session: { fills: brokerFills, orders: repo.orderRecords(runId) },
    replay: { fills: twinFills, orders: twin.orders() },
    manualOrders: new Set(),
  });
  const pairedBroker = new Set(pairs.map((p) => p.session));
  const pairedTwin = new Set(pairs.map((p) => p.replay));
  const rows: { time: number; row: ShadowAttributionRow }[] = [];
  for (const { session: b, replay: t } of pairs) {
    const slippage = (b.side === 'buy' ? 1 : -1) * (b.price - t.price) * b.qty;
    const barsLater = barNumber(barTimes, barMs, b.time) - barNumber(barTimes, barMs, t.time);
    rows.push({ time: b.time, row: { broker: fillOf(b), twin: fillOf(t), slippage, barsLater } });
  }
  for (const b of brokerFills) {
    if (!pairedBroker.has(b))
      rows.push({ time: b.time, row: { broker: fillOf(b), twin: null, slippage: null, barsLater: null } });
  }
  for (const t of twinFills) {
    if (!pairedTwin.has(t))
      rows.push({ time: t.time, row: { broker: null, twin: fillOf(t), slippage: null, barsLater: null } });
  }
  const ordered = rows.sort((a, b) => a.time - b.time).map((r) => r.row);
  const run = repo.equityCurve(runId, all);
  const twinCurve = twin.equity();
  const paired = ordered.filter((r) => r.broker !== null && r.twin !== null);
  return {
    sessionId: ids.sessionId,
    runId,
    source: live === undefined ? 'rebuilt' : 'live',
    run,
    twin: twinCurve,
    rows: ordered,
    totals: {
      brokerFills: brokerFills.length,
      twinFills: twinFills.length,
      paired: paired.length,
      onlyBroker: ordered.filter((r) => r.twin === null).length,
      onlyTwin: ordered.filter((r) => r.broker === null).length,
      slippage: paired.reduce((sum, r) => sum + r.slippage!, 0),
      meanBarsLater:
        paired.length === 0 ? null : paired.reduce((sum, r) => sum + r.barsLater!, 0) / paired.length,
      runEquity: run.equity.at(-1) ?? null,
      twinEquity: twinCurve.equity.at(-1) ?? null,
    },
  };
}
