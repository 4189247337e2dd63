// Before an Alpaca paper run starts, the account is compared with what the session expects: open orders,
// positions and cash. Differences become a report the user accepts or cancels; some (no buying power for the
// session's capital, a blocked account) cannot be accepted at all.
import type { StartReconciliation } from '../../../shared/domain/session';
import type { AlpacaBroker } from './broker';
import { positionKey } from './broker-shapes';

/** A position the account already held in a session symbol, adopted by a new run after the user accepted. */
export interface AdoptedPosition {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
}

/** The report, plus what accepting it does: positions adopted, foreign open orders canceled. */
export interface PreparedStart {
  readonly report: StartReconciliation;
  readonly adopt: readonly AdoptedPosition[];
  readonly cancelOrderIds: readonly string[];
}

const money = (value: number) =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export async function prepareAlpacaStart(
  broker: AlpacaBroker,
  session: { readonly symbols: readonly string[]; readonly capital: number },
): Promise<PreparedStart> {
  const [account, positions, openOrders, clock] = await Promise.all([
    broker.account(),
    broker.positions(),
    broker.openOrders(),
    broker.clock(),
  ]);
  const items: StartReconciliation['items'][number][] = [];
  const traded = new Map(session.symbols.map((s) => [positionKey(s), s]));

  if (account.accountBlocked || account.tradingBlocked || account.status !== 'ACTIVE') {
    const why = [
      account.status !== 'ACTIVE' && `status ${account.status}`,
      account.accountBlocked && 'account blocked',
      account.tradingBlocked && 'trading blocked',
    ].filter(Boolean);
    items.push({ kind: 'account', blocking: true, message: `the account cannot trade: ${why.join(', ')}` });
  }
  if (account.buyingPower < session.capital) {
    items.push({
      kind: 'cash',
      blocking: true,
      message: `the session's capital ${money(session.capital)} exceeds the account's buying power ${money(account.buyingPower)}`,
    });
  }

  const adopt: AdoptedPosition[] = [];
  for (const p of positions) {
    const symbol = traded.get(positionKey(p.symbol));
    if (symbol === undefined) continue;
    adopt.push({ symbol, qty: p.qty, avgPrice: p.avgEntryPrice });
    items.push({
      kind: 'position',
      symbol,
      blocking: false,
      message: `the account holds ${p.qty} ${symbol} at ${money(p.avgEntryPrice)}; accepting makes it the run's starting position (part of its capital)`,
    });
  }
  const cancelOrderIds: string[] = [];
  for (const o of openOrders) {
    if (!traded.has(positionKey(o.symbol))) continue;
    cancelOrderIds.push(o.id);
    items.push({
      kind: 'order',
      symbol: traded.get(positionKey(o.symbol))!,
      blocking: false,
      message: `an open ${o.side} ${o.type} order for ${o.qty} ${o.symbol} (${o.status}) not placed by this run; accepting cancels it`,
    });
  }
  const otherPositions = positions.filter((p) => !traded.has(positionKey(p.symbol)));
  if (otherPositions.length > 0) {
    items.push({
      kind: 'info',
      blocking: false,
      message: `positions in other symbols stay untouched: ${otherPositions.map((p) => `${p.qty} ${p.symbol}`).join(', ')}`,
    });
  }
  if (!clock.isOpen && session.symbols.some((s) => !s.includes('/'))) {
    items.push({
      kind: 'info',
      blocking: false,
      message: `the market is closed; the run waits for bars (next open ${new Date(clock.nextOpen).toISOString()})`,
    });
  }
  return {
    report: {
      account: {
        status: account.status,
        cash: account.cash,
        equity: account.equity,
        buyingPower: account.buyingPower,
      },
      items,
      canStart: !items.some((i) => i.blocking),
      needsAcceptance: items.some((i) => !i.blocking && i.kind !== 'info'),
    },
    adopt,
    cancelOrderIds,
  };
}
