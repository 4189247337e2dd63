// The Options panel's words: contracts as a trader names them, the monitor's figures and bands as text (a band is
// never colour alone), fills against the model, and which sessions are options sessions.
import {
  type MonitorBand,
  type MonitorCheck,
  type OptionRight,
  type OptionsMonitor,
  parseOccSymbol,
} from '../../../../shared/domain/options';
import type { SessionSummary } from '../../../../shared/domain/session';
import { formatMoney, formatPercent, formatPrice, MISSING, type Tone } from '../../components/chart/format';

/** An options run: the Phase 4D strategy, or a config with an options section. */
export function isOptionsSession(
  session: Pick<SessionSummary, 'strategyId'> & { config: Record<string, unknown> },
): boolean {
  return (
    session.strategyId === 'phase4d' ||
    (session.config['options'] !== undefined && session.config['options'] !== null)
  );
}

const strikeText = (strike: number): string =>
  Number.isInteger(strike) ? String(strike) : String(Math.round(strike * 1000) / 1000);

/** "SPY 2025-03-05 571 P": underlying, expiry, strike, put or call. */
export function contractLabel(contract: {
  readonly underlying: string;
  readonly expiry: string;
  readonly strike: number;
  readonly right: OptionRight;
}): string {
  return `${contract.underlying} ${contract.expiry} ${strikeText(contract.strike)} ${contract.right === 'put' ? 'P' : 'C'}`;
}

/** An OCC symbol in the trader's words; the symbol itself when it is not one. */
export function occLabel(symbol: string): string {
  try {
    const c = parseOccSymbol(symbol);
    return contractLabel({ underlying: c.root, expiry: c.expiry, strike: c.strike, right: c.right });
  } catch {
    return symbol;
  }
}

export const BAND_TEXT: Readonly<Record<MonitorBand, string>> = {
  green: 'Green',
  amber: 'Amber',
  red: 'Red',
};

/** The chip of a check: its band, or why it has none (informational, or nothing to measure yet). */
export function bandChip(check: Pick<MonitorCheck, 'band' | 'value'>): { text: string; className: string } {
  if (check.band !== null)
    return { text: BAND_TEXT[check.band], className: `opt-band opt-band-${check.band}` };
  return check.value === null
    ? { text: 'No data', className: 'opt-band opt-band-none' }
    : { text: 'Info', className: 'opt-band opt-band-info' };
}

/** Checks that never carry a band: figures to read, not to grade. */
const INFORMATIONAL: ReadonlySet<MonitorCheck['id']> = new Set(['costs', 'fill_slippage']);

/** A check that will have a band once there is data (daily P&L, execution, win rate) but has none yet. */
export function awaitsData(check: Pick<MonitorCheck, 'id' | 'band' | 'value'>): boolean {
  return check.band === null && check.value === null && !INFORMATIONAL.has(check.id);
}

/** A check's figure in its own unit; its note (e.g. "no trades yet") when there is none. */
export function checkValue(check: MonitorCheck): string {
  if (check.value === null) return check.note ?? MISSING;
  switch (check.id) {
    case 'daily_pnl':
      return `${formatMoney(check.value, { signed: true })} / day`;
    case 'execution_rate':
    case 'win_rate':
      return formatPercent(check.value, { decimals: 1 });
    case 'risk':
      return check.value === 0 ? 'none' : `${check.value} breach${check.value === 1 ? '' : 'es'}`;
    case 'costs':
      return `${formatPercent(check.value, { decimals: 2 })} of premium`;
    case 'fill_slippage':
      return `${formatPercent(check.value, { decimals: 2, signed: true })} vs model`;
  }
}

const REASON_TEXT: Readonly<Record<string, string>> = {
  high_vix: 'High VIX',
  extreme_volatility: 'Extreme volatility (previous range)',
  moderate_volatility: 'Moderate volatility (previous range)',
};

/** A skip reason in words: the strategy's filters by name, anything else as recorded (underscores as spaces). */
export function reasonLabel(reason: string): string {
  const known = REASON_TEXT[reason];
  if (known) return known;
  const words = reason.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type MonitorFill = OptionsMonitor['fills'][number];

/** What a fill paid against the model's price, per share and as a fraction (positive = worse for the trader). */
export function fillVsModel(fill: MonitorFill): { text: string; tone: Tone } {
  if (fill.expectedPrice === null) return { text: 'no model price', tone: undefined };
  const paid = fill.side === 'buy' ? fill.price - fill.expectedPrice : fill.expectedPrice - fill.price;
  const fraction = paid / fill.expectedPrice;
  if (Math.abs(paid) < 0.005) return { text: 'at the model', tone: undefined };
  return {
    text: `${formatPrice(Math.abs(paid), 2)} (${formatPercent(Math.abs(fraction), { decimals: 1 })}) ${paid > 0 ? 'worse' : 'better'}`,
    tone: paid > 0 ? 'down' : 'up',
  };
}

const ET = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A fill's time in New York, where SPY trades: "03-05 10:05 ET". */
export function easternTime(ms: number): string {
  const parts = Object.fromEntries(ET.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts['month']}-${parts['day']} ${parts['hour'] === '24' ? '00' : parts['hour']}:${parts['minute']} ET`;
}
