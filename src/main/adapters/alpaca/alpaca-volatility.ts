// Volatility histories from Alpaca for the options backtest: VIXY's daily bars turned into the labelled
// approximation of feeds/vixy-vix.ts (`--vol-source alpaca-vixy`), or the VIX index's own values where the account has
// them (`--vol-source alpaca-index`: the SDK's `marketData.indices.indexValues`, GET /v1beta1/indices/values; an
// account without index data is refused with Alpaca's message).
import { type Alpaca, ApiError } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import type { VolatilityHistory } from '../../feeds/vix-history';
import { VIXY_WINDOW, vixyAsVix } from '../../feeds/vixy-vix';
import { DAY_MS, newYorkDay } from '../../market/new-york-time';
import { dayFromIsoDate, isoDate } from '../../market/nyse-holidays';
import { createAlpacaHistory } from './history';
import { OptionDataError } from './options';
import type { RequestBudget } from './request-budget';
import { withoutSdkHint } from './validate';

/** The sessions the run reads a VIX close for: from the session before its first day to its last day. */
export interface VolatilitySpan {
  /** YYYY-MM-DD, inclusive. */
  readonly first: string;
  readonly last: string;
}

/** VIXY's daily closes (IEX) over the span and the 20 sessions before it, as the approximate VIX. */
export async function vixyVolatility(
  alpaca: Alpaca,
  budget: RequestBudget,
  span: VolatilitySpan,
): Promise<VolatilityHistory> {
  const history = createAlpacaHistory({ client: alpaca, budget });
  // Calendar days enough for the window's sessions before the first day (20 sessions ≈ 28 days; holidays aside).
  const start = (dayFromIsoDate(span.first) - Math.ceil(VIXY_WINDOW * 1.6) - 7) * DAY_MS;
  const end = (dayFromIsoDate(span.last) + 1) * DAY_MS - 1;
  let series: Awaited<ReturnType<typeof history.bars>>['series'];
  try {
    ({ series } = await history.bars({ symbols: ['VIXY'], timeframe: '1D', start, end, feed: 'iex' }));
  } catch (error) {
    throw new OptionDataError(`Alpaca refused VIXY daily bars: ${describe(error)}`, { cause: error });
  }
  const bars = series['VIXY'];
  if (bars === undefined || bars.length === 0)
    throw new OptionDataError(
      `Alpaca has no VIXY daily bars from ${isoDate(start / DAY_MS)} to ${span.last}`,
    );
  const days: number[] = [];
  const closes: number[] = [];
  // A daily bar's time is 00:00 UTC of its New York date.
  for (let i = 0; i < bars.length; i++) {
    days.push(Math.floor(bars.time[i]! / DAY_MS));
    closes.push(bars.close[i]!);
  }
  return vixyAsVix(days, closes);
}

// The SDK's `indexValues` passes the values through as Alpaca sends them: `t` (RFC 3339) and `v` per point.
const IndexPageSchema = z.object({
  values: z
    .record(z.string(), z.array(z.object({ t: z.union([z.date(), z.string()]), v: z.number().finite() })))
    .nullish(),
  nextPageToken: z.string().nullish(),
});

export const VIX_INDEX_LABEL = 'VIX index values from Alpaca (the last value of each New York day)';

/** The VIX index's values from Alpaca over the span, the last of each New York day as that session's close. */
export async function vixIndexVolatility(
  alpaca: Alpaca,
  budget: RequestBudget,
  span: VolatilitySpan,
): Promise<VolatilityHistory> {
  const byDay = new Map<number, { time: number; value: number }>();
  const start = new Date((dayFromIsoDate(span.first) - 7) * DAY_MS);
  const end = new Date((dayFromIsoDate(span.last) + 1) * DAY_MS - 1);
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    let raw: unknown;
    try {
      const pageToken = token;
      raw = await budget.run(() =>
        alpaca.marketData.indices.indexValues({
          symbols: 'VIX',
          start,
          end,
          limit: 10_000,
          ...(pageToken !== undefined && { pageToken }),
        }),
      );
    } catch (error) {
      throw new OptionDataError(`Alpaca refused VIX index values: ${describe(error)}`, { cause: error });
    }
    const page = IndexPageSchema.safeParse(raw);
    if (!page.success)
      throw new OptionDataError(
        `Alpaca's VIX index values are malformed at ${page.error.issues[0]!.path.join('.')}: ${page.error.issues[0]!.message}`,
      );
    for (const point of page.data.values?.['VIX'] ?? []) {
      const time = new Date(point.t).getTime();
      if (Number.isNaN(time))
        throw new OptionDataError(`Alpaca sent a VIX value at a time that is not one: ${String(point.t)}`);
      const day = newYorkDay(time);
      const last = byDay.get(day);
      if (last === undefined || time >= last.time) byDay.set(day, { time, value: point.v });
    }
    token = page.data.nextPageToken ?? undefined;
    if (token !== undefined && seen.has(token))
      throw new OptionDataError('Alpaca repeated a page token for VIX');
    if (token !== undefined) seen.add(token);
  } while (token !== undefined);
  if (byDay.size === 0)
    throw new OptionDataError(
      `Alpaca has no VIX index values from ${isoDate(start.getTime() / DAY_MS)} to ${span.last}`,
    );
  const days = [...byDay.keys()].sort((a, b) => a - b);
  return {
    source: VIX_INDEX_LABEL,
    days: Int32Array.from(days),
    closes: Float64Array.from(days.map((d) => byDay.get(d)!.value)),
  };
}

function describe(error: unknown): string {
  if (error instanceof ApiError)
    return `HTTP ${error.status}${error.message ? `: ${withoutSdkHint(error.message)}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
