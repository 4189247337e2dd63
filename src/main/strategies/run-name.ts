// A run's default name, carrying what tells it apart from its neighbours in the list: the strategy with its
// parameters (defaults filled in), the symbols and the bar size, e.g. `SMA 5/20 · ACME · 1D`.
import type { Timeframe } from '../../shared/domain/bars';
import { getStrategy } from '.';

/** What a name reads of a run: its strategy choice(s) and its data. */
export interface NamedRun {
  readonly strategy: { readonly id: string; readonly params?: Readonly<Record<string, unknown>> };
  readonly strategies?: Readonly<Record<string, { readonly id: string; readonly params?: unknown }>>;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
}

type Params = Readonly<Record<string, unknown>>;

const SYMBOLS_SHOWN = 3;

/** A number as a trader writes it: 1.5, not 1.50; anything else as text. */
const n = (value: unknown): string => (typeof value === 'number' ? String(value) : String(value ?? '?'));

/** The short form of each built-in strategy with the parameters that define it. */
const SHORT: Readonly<Record<string, (p: Params) => string>> = {
  'sma-crossover': (p) => `SMA ${n(p.fast)}/${n(p.slow)}`,
  macd: (p) => `MACD ${n(p.fast)}/${n(p.slow)}/${n(p.signal)}`,
  rsi: (p) => `RSI ${n(p.period)} ${n(p.oversold)}/${n(p.overbought)}`,
  'mean-reversion': (p) => `Bollinger ${n(p.period)} ×${n(p.bandWidth)}`,
  'atr-breakout': (p) => `ATR breakout ${n(p.period)} ×${n(p.multiplier)}`,
  ensemble: (p) => {
    const members = Array.isArray(p.members) ? (p.members as { id: string; params?: Params }[]) : [];
    return `Ensemble ${n(p.quorum)} of [${members.map((m) => strategyLabel(m.id, m.params ?? {})).join(', ')}]`;
  },
  'regime-filter': (p) => {
    const inner = p.strategy as { id: string; params?: Params } | undefined;
    const wrapped = inner ? strategyLabel(inner.id, inner.params ?? {}) : '?';
    return `${wrapped} if ${n(p.regime)} (ADX ${n(p.adxPeriod)} ${p.regime === 'ranging' ? '≤' : '≥'} ${n(p.adxThreshold)})`;
  },
};

/** One strategy with its parameters resolved by its own schema; an unknown id or bad params name it as given. */
export function strategyLabel(id: string, params: Params): string {
  let definition: ReturnType<typeof getStrategy>;
  try {
    definition = getStrategy(id);
  } catch {
    return id;
  }
  const parsed = definition.params.safeParse(params);
  if (!parsed.success) return definition.name;
  const resolved = parsed.data as Params;
  const short = SHORT[id]?.(resolved) ?? definition.name;
  return resolved.allowShort === true ? `${short} long/short` : short;
}

/** `SMA 5/20 · ACME · 1D`; several symbols are listed up to three, then counted (`A, B, C +2`). */
export function defaultRunName(run: NamedRun): string {
  const overrides = Object.values(run.strategies ?? {});
  const strategy =
    overrides.length > 0
      ? `${strategyLabel(run.strategy.id, run.strategy.params ?? {})} + ${overrides.length} per-symbol`
      : strategyLabel(run.strategy.id, run.strategy.params ?? {});
  const shown = run.symbols.slice(0, SYMBOLS_SHOWN).join(', ');
  const more = run.symbols.length > SYMBOLS_SHOWN ? ` +${run.symbols.length - SYMBOLS_SHOWN}` : '';
  return `${strategy} · ${shown}${more} · ${run.timeframe}`;
}
