// Before an Alpaca paper run starts, the account is compared with what the session expects: open orders,
// positions and cash. Differences become a report the user accepts or cancels; some (no buying power for the
// session's capital, a blocked account) cannot be accepted at all.
import { isOccSymbol, type OptionContract, parseOccSymbol } from '../../../shared/domain/options';
import type { StartReconciliation } from '../../../shared/domain/session';
import type { AlpacaBroker } from './broker';
import { type BrokerAccount, type BrokerPosition, positionKey } from './broker-shapes';

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

  const blocked = accountBlock(account);
  if (blocked !== undefined) items.push(blocked);
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

// ---- options ----

/** An option position the account holds in the run's underlying, adopted with its contracts and average premium. */
export interface AdoptedOptionPosition {
  /** OCC symbol. */
  readonly symbol: string;
  readonly contract: OptionContract;
  /** Whole contracts, positive (long). */
  readonly contracts: number;
  /** Average premium paid per share (Alpaca's avg_entry_price). */
  readonly avgPremium: number;
}

/** What an options run's start (or restart) finds: the long option positions to adopt, and what it cannot take. */
export interface OptionPositionsFound {
  readonly adopt: readonly AdoptedOptionPosition[];
  /** In words: short option positions (the run only buys), fractional quantities. */
  readonly problems: readonly string[];
  /** Positions in anything else (shares, other underlyings' options), left alone. */
  readonly others: readonly BrokerPosition[];
}

/** Sorts the account's positions: Alpaca's option positions (asset class us_option) on `underlying` are the run's. */
export function optionPositionsOf(
  positions: readonly BrokerPosition[],
  underlying: string,
): OptionPositionsFound {
  const root = underlying.toUpperCase();
  const adopt: AdoptedOptionPosition[] = [];
  const problems: string[] = [];
  const others: BrokerPosition[] = [];
  for (const p of positions) {
    const contract = p.assetClass === 'us_option' && isOccSymbol(p.symbol) ? parseOccSymbol(p.symbol) : null;
    if (contract === null || contract.root !== root) {
      others.push(p);
      continue;
    }
    if (p.qty < 0)
      problems.push(
        `the account is short ${-p.qty} ${p.symbol}; an options run only buys, so close it first`,
      );
    else if (!Number.isInteger(p.qty))
      problems.push(`the account holds ${p.qty} ${p.symbol}, not a whole number of contracts`);
    else adopt.push({ symbol: p.symbol, contract, contracts: p.qty, avgPremium: p.avgEntryPrice });
  }
  return { adopt, problems, others };
}

/** The option positions a restarted run takes back from the account (read anew, with a new client if need be). */
export async function adoptOptionPositions(
  broker: AlpacaBroker,
  underlying: string,
): Promise<OptionPositionsFound> {
  return optionPositionsOf(await broker.positions(), underlying);
}

/**
 * Before an options run starts: the account must trade (not blocked, options level ≥ 2), option positions on the
 * underlying are adopted once the user accepts, a short one blocks, and open orders in its contracts not placed by
 * this run are canceled on acceptance.
 */
export async function prepareAlpacaOptionStart(
  broker: AlpacaBroker,
  session: { readonly underlying: string; readonly capital: number },
): Promise<PreparedStart & { readonly adoptOptions: readonly AdoptedOptionPosition[] }> {
  const [account, positions, openOrders, clock] = await Promise.all([
    broker.account(),
    broker.positions(),
    broker.openOrders(),
    broker.clock(),
  ]);
  const root = session.underlying.toUpperCase();
  const items: StartReconciliation['items'][number][] = [];
  const blocked = accountBlock(account);
  if (blocked !== undefined) items.push(blocked);
  const level = account.optionsTradingLevel;
  if (level === null || level < 2) {
    items.push({
      kind: 'account',
      blocking: true,
      message: `the account's options trading level is ${level ?? 'not set'}; buying puts and calls needs level 2`,
    });
  }
  const power = account.optionsBuyingPower ?? account.buyingPower;
  if (power < session.capital) {
    items.push({
      kind: 'cash',
      blocking: true,
      message: `the session's capital ${money(session.capital)} exceeds the account's options buying power ${money(power)}`,
    });
  }
  const found = optionPositionsOf(positions, root);
  for (const p of found.adopt) {
    items.push({
      kind: 'position',
      symbol: p.symbol,
      blocking: false,
      message: `the account holds ${p.contracts} ${p.symbol} at ${money(p.avgPremium)} a share; accepting makes it the run's open position`,
    });
  }
  for (const problem of found.problems) items.push({ kind: 'position', blocking: true, message: problem });
  const cancelOrderIds: string[] = [];
  for (const o of openOrders) {
    if (!isOccSymbol(o.symbol) || parseOccSymbol(o.symbol).root !== root) continue;
    cancelOrderIds.push(o.id);
    items.push({
      kind: 'order',
      symbol: o.symbol,
      blocking: false,
      message: `an open ${o.side} ${o.type} order for ${o.qty} ${o.symbol} (${o.status}) not placed by this run; accepting cancels it`,
    });
  }
  if (found.others.length > 0) {
    items.push({
      kind: 'info',
      blocking: false,
      message: `other positions stay untouched: ${found.others.map((p) => `${p.qty} ${p.symbol}`).join(', ')}`,
    });
  }
  if (!clock.isOpen) {
    items.push({
      kind: 'info',
      blocking: false,
      message: `the market is closed; the run waits for bars (next open ${new Date(clock.nextOpen).toISOString()})`,
    });
  }
  return {
    report: {
      account: { status: account.status, cash: account.cash, equity: account.equity, buyingPower: power },
      items,
      canStart: !items.some((i) => i.blocking),
      needsAcceptance: items.some((i) => !i.blocking && i.kind !== 'info'),
    },
    adopt: [],
    adoptOptions: found.adopt,
    cancelOrderIds,
  };
}

/** An account that cannot trade, as a blocking item (undefined when it can). */
function accountBlock(account: BrokerAccount): StartReconciliation['items'][number] | undefined {
  if (!account.accountBlocked && !account.tradingBlocked && account.status === 'ACTIVE') return undefined;
  const why = [
    account.status !== 'ACTIVE' && `status ${account.status}`,
    account.accountBlocked && 'account blocked',
    account.tradingBlocked && 'trading blocked',
  ].filter(Boolean);
  return { kind: 'account', blocking: true, message: `the account cannot trade: ${why.join(', ')}` };
}
