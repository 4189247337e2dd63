// What Alpaca's answers can do wrong, with a stand-in for the SDK client (the fake only sends good bars; the real
// SDK against the fake is tested in tests/integration/alpaca/market-data.test.ts).
import { type Alpaca, RateLimitError } from '@alpacahq/alpaca-trade-api';
import { describe, expect, it } from 'vitest';
import { AlpacaBarDataError, createAlpacaHistory } from '../../../../src/main/adapters/alpaca/history';

const NOW = Date.parse('2025-03-05T15:00:00Z');
const T = Date.parse('2025-03-03T14:30:00Z');
const wire = (minute: number, close = 100.5) => ({
  t: new Date(T + minute * 60_000).toISOString(),
  o: 100,
  h: 101,
  l: 99,
  c: close,
  v: 10,
  n: 3,
  vw: 100.2,
});

/** A client whose stock bars endpoint answers the given pages (or throws the given errors) in turn. */
function stubClient(answers: readonly unknown[]): { client: Alpaca; asked: number } {
  const state = { client: undefined as unknown as Alpaca, asked: 0 };
  state.client = {
    marketData: {
      stocks: {
        stockBars: async () => {
          const answer = answers[Math.min(state.asked++, answers.length - 1)];
          if (answer instanceof Error) throw answer;
          return answer;
        },
      },
    },
    trading: {
      clock: { legacyClock: async () => ({ timestamp: new Date(NOW) }) },
      assets: { getV2AssetsSymbolOrAssetId: async () => ({ symbol: 'AAPL' }) },
    },
  } as unknown as Alpaca;
  return state;
}

const request = { symbols: ['AAPL'], timeframe: '1m' as const, start: T, end: T + 10 * 60_000 };

async function failure(answers: readonly unknown[]): Promise<unknown> {
  const { client } = stubClient(answers);
  return createAlpacaHistory({ client })
    .bars(request)
    .then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );
}

describe('Alpaca history: bad answers', () => {
  it('a field of the wrong type: the error names the symbol, the bar index and the field', async () => {
    const error = await failure([
      { bars: { AAPL: [wire(0), { ...wire(1), h: '101' }] }, nextPageToken: null },
    ]);

    expect(error).toBeInstanceOf(AlpacaBarDataError);
    expect(error).toMatchObject({ symbol: 'AAPL', index: 1, field: 'high' });
    expect((error as Error).message).toMatch(/^Alpaca iex bars of AAPL, bar 1, field high: /);
  });

  it('an impossible candle (high below the close) and a time going backwards are refused the same way', async () => {
    const high = await failure([{ bars: { AAPL: [wire(0), wire(1, 102)] }, nextPageToken: null }]);
    expect((high as Error).message).toBe(
      'Alpaca iex bars of AAPL, bar 1, field high: high 101 is below max(open 100, close 102)',
    );

    const backwards = await failure([{ bars: { AAPL: [wire(2), wire(1)] }, nextPageToken: null }]);
    expect(backwards).toMatchObject({ symbol: 'AAPL', index: 1, field: 'time' });

    const missing = await failure([{ bars: { AAPL: [{ ...wire(0), t: undefined }] }, nextPageToken: null }]);
    expect(missing).toMatchObject({ index: 0, field: 'time' });
  });

  it('a page that is not a bars page, and a page token that repeats, are errors rather than silent data', async () => {
    const page = await failure([{ bars: ['not', 'a', 'map'], nextPageToken: null }]);
    expect((page as Error).message).toMatch(/^Alpaca sent a malformed iex bars page/);

    const loop = await failure([
      { bars: { AAPL: [wire(0)] }, nextPageToken: 'A' },
      { bars: { AAPL: [wire(1)] }, nextPageToken: 'A' },
    ]);
    expect((loop as Error).message).toMatch(/same iex page token twice/);
  });

  it('429: waits Retry-After between tries, and gives up after the configured number with the SDK’s error', async () => {
    const limited = new RateLimitError(
      new Response(null, { status: 429 }),
      429,
      42910000,
      'rate limit',
      undefined,
      750,
    );
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    // A still wall clock: on a busy machine a real one moves a millisecond between the 429 and the wait.
    const wallNow = () => 1_741_186_800_000;

    const ok = stubClient([limited, limited, { bars: { AAPL: [wire(0)] }, nextPageToken: null }]);
    const result = await createAlpacaHistory({ client: ok.client, sleep, wallNow }).bars(request);
    expect(result.series['AAPL']!.length).toBe(1);
    expect(waits).toEqual([750, 750]);

    const never = stubClient([limited]);
    await expect(
      createAlpacaHistory({ client: never.client, sleep, wallNow, rateLimitRetries: 2 }).bars(request),
    ).rejects.toBe(limited);
    expect(never.asked).toBe(3);
  });

  it('bars outside the regular session are dropped (our convention), the others kept in order', async () => {
    const { client } = stubClient([
      {
        bars: {
          AAPL: [
            { ...wire(-1), t: '2025-03-03T14:29:00Z' }, // 09:29 New York, pre-market
            wire(0),
            wire(1),
          ],
        },
        nextPageToken: null,
      },
    ]);

    const result = await createAlpacaHistory({ client }).bars({ ...request, start: T - 60_000 });

    expect(Array.from(result.series['AAPL']!.time)).toEqual([T, T + 60_000]);
  });
});
