// An options run as its ledger keeps it: the position its fills add up to, its stored positions as the Options panel
// shows them, and its monitor from the stored day decisions, trades, fills and denials. What a live run and a stopped
// one (session-service.ts) read alike.
import type { OptionPositionRow, OptionsMonitor } from '../../shared/domain/options';
import { parseOccSymbol } from '../../shared/domain/options';
import type { FillRow, PositionRow } from '../../shared/domain/session';
import type { OptionQuoteSource } from '../engine/option-desk';
import type { SessionRepo } from '../store/session-repo';
import { phase4dSettings } from '../strategies/phase4d';
import type { OptionsConfig } from '../strategies/run-config';
import { phase4dParamsOf } from './option-run-parts';
import { optionsMonitor, riskBreachesOf } from './options-monitor';

/** The position the ledger's fills add up to, per OCC symbol (whole contracts, long only). */
export function contractsFromFills(
  fills: readonly Pick<FillRow, 'symbol' | 'side' | 'qty'>[],
): Map<string, number> {
  const held = new Map<string, number>();
  for (const fill of fills) {
    const next = (held.get(fill.symbol) ?? 0) + (fill.side === 'buy' ? fill.qty : -fill.qty);
    if (next === 0) held.delete(fill.symbol);
    else held.set(fill.symbol, next);
  }
  return held;
}

/** A stored option position (the ledger's row: contracts, premium, last bid) as the Options panel shows it. */
export function storedOptionPosition(row: PositionRow): OptionPositionRow {
  const contract = parseOccSymbol(row.symbol);
  return {
    symbol: row.symbol,
    underlying: contract.root,
    right: contract.right,
    strike: contract.strike,
    expiry: contract.expiry,
    contracts: row.qty,
    avgPremium: row.avgPrice,
    bid: row.lastPrice,
    ask: null,
    unrealizedPnl: row.unrealizedPnl,
  };
}

/** The options monitor of a run from its ledger: stored day decisions, trades, fills and denials. */
export function optionRunMonitor(
  repo: SessionRepo,
  runId: string,
  options: OptionsConfig,
  quotes: OptionQuoteSource | undefined,
  at: { readonly day: string; readonly underlyingAt?: (time: number) => number | undefined },
): OptionsMonitor {
  const decisions = repo.optionDays(runId);
  const day =
    decisions.length > 0 && at.day < decisions[decisions.length - 1]!.day
      ? decisions[decisions.length - 1]!.day
      : at.day;
  const expectedPrice =
    quotes === undefined || at.underlyingAt === undefined
      ? undefined
      : (symbol: string, time: number): number | undefined => {
          const spot = at.underlyingAt!(time);
          const quote = spot === undefined ? undefined : quotes.quote(symbol, time, spot);
          return quote === undefined ? undefined : (quote.bid + quote.ask) / 2;
        };
  return optionsMonitor({
    runId,
    preset: phase4dSettings(phase4dParamsOf(options)),
    decisions,
    trades: repo.trades(runId),
    fills: repo.fills(runId, Number.POSITIVE_INFINITY).reverse(),
    ...(expectedPrice !== undefined && { expectedPrice }),
    riskBreaches: riskBreachesOf(
      repo.riskEvents(runId, Number.POSITIVE_INFINITY).filter((event) => event.kind === 'order-denied'),
    ),
    priceSource: quotes?.label ?? 'option prices of the run',
    day,
  });
}
