// Alpaca's asset list (GET /v2/assets through the SDK) and the daily bars that price a watchlist, each answer
// checked with zod before anything is kept.
import type { Alpaca } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import type { CachedAsset } from '../../store/symbol-repo';

// The SDK maps the wire's `class` to `_class`.
const assetSchema = z.object({
  id: z.string().min(1),
  symbol: z.string().min(1).max(40),
  name: z.string().default(''),
  _class: z.string().min(1),
  exchange: z.string().default(''),
  status: z.string().min(1),
  tradable: z.boolean(),
  shortable: z.boolean().default(false),
  fractionable: z.boolean().default(false),
});

/** Every active asset Alpaca lists; a malformed entry fails the whole fetch, naming the asset and field. */
export async function fetchAlpacaAssets(
  alpaca: Alpaca,
  send: <T>(request: () => Promise<T>) => Promise<T>,
): Promise<CachedAsset[]> {
  const raw: unknown = await send(() => alpaca.trading.assets.getV2Assets({ status: 'active' }));
  if (!Array.isArray(raw)) throw new Error('Alpaca’s asset list was not a list');
  return raw.map((entry, index) => {
    const parsed = assetSchema.safeParse(entry);
    if (!parsed.success) {
      const which = (entry as { symbol?: unknown } | null)?.symbol;
      throw new Error(
        `Alpaca’s asset ${typeof which === 'string' ? which : `#${index + 1}`} was not understood: ${z.prettifyError(parsed.error)}`,
      );
    }
    const a = parsed.data;
    return {
      symbol: a.symbol,
      assetId: a.id,
      name: a.name,
      source: 'alpaca' as const,
      assetClass: a._class,
      exchange: a.exchange,
      status: a.status,
      tradable: a.tradable,
      shortable: a.shortable,
      fractionable: a.fractionable,
    };
  });
}

const clockSchema = z.object({ timestamp: z.date() });

/** Alpaca's time minus ours: bars are asked for in Alpaca's time (a loopback fake runs its own clock). */
export async function alpacaClockOffset(
  alpaca: Alpaca,
  now: number,
  send: <T>(request: () => Promise<T>) => Promise<T>,
): Promise<number> {
  const parsed = clockSchema.safeParse(await send(() => alpaca.trading.clock.legacyClock()));
  if (!parsed.success) throw new Error(`Alpaca’s clock was not understood: ${z.prettifyError(parsed.error)}`);
  return parsed.data.timestamp.getTime() - now;
}

const dailyBarsSchema = z.object({
  bars: z
    .record(
      z.string(),
      z.array(
        z.object({
          t: z.union([z.date(), z.iso.datetime({ offset: true })]).pipe(z.coerce.date()),
          c: z.number().finite().positive(),
        }),
      ),
    )
    .nullish(),
});

export interface DailyCloses {
  readonly last: number;
  readonly time: number;
  /** The close of the session before the last bar's; null when Alpaca sent one day only. */
  readonly previousClose: number | null;
}

/** Last price and previous close of each stock from one request of recent daily bars (the request budget counts one). */
export async function fetchDailyCloses(
  alpaca: Alpaca,
  symbols: readonly string[],
  now: number,
  send: <T>(request: () => Promise<T>) => Promise<T>,
): Promise<Map<string, DailyCloses>> {
  const out = new Map<string, DailyCloses>();
  if (symbols.length === 0) return out;
  const raw: unknown = await send(() =>
    alpaca.marketData.stocks.stockBars({
      symbols: symbols.join(','),
      timeframe: '1Day',
      // Ten calendar days hold at least two sessions even across a long holiday weekend.
      start: new Date(now - 10 * 86_400_000),
      feed: 'iex',
      adjustment: 'raw',
      sort: 'asc',
      limit: 1_000,
    }),
  );
  const parsed = dailyBarsSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`Alpaca’s daily bars were not understood: ${z.prettifyError(parsed.error)}`);
  for (const [symbol, bars] of Object.entries(parsed.data.bars ?? {})) {
    const last = bars[bars.length - 1];
    if (last === undefined) continue;
    out.set(symbol, {
      last: last.c,
      time: last.t.getTime(),
      previousClose: bars.length > 1 ? bars[bars.length - 2]!.c : null,
    });
  }
  return out;
}
