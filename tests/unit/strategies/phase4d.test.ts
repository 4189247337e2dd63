// The Phase 4D strategy through a scripted OptionStrategyContext: bars of whole sessions, a quote source the test
// controls, and a little broker that fills the strategy's orders at once (or not) — no engine needed.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { ColumnBarView } from '../../../src/main/engine/bar-view';
import type {
  OptionHolding,
  OptionIntent,
  OptionQuoteSource,
  OptionStrategyContext,
} from '../../../src/main/engine/option-desk';
import { parseVixHistory } from '../../../src/main/feeds/vix-history';
import { newYorkWallToUtc } from '../../../src/main/market/new-york-time';
import { dayFromIsoDate } from '../../../src/main/market/nyse-holidays';
import {
  createPhase4d,
  type Phase4dParams,
  Phase4dParamsSchema,
  phase4dSessionClock,
  phase4dSettings,
} from '../../../src/main/strategies/phase4d';
import type { BarColumns } from '../../../src/shared/domain/bars';
import {
  type OptionDayDecision,
  type OptionListing,
  type OptionQuote,
  parseOccSymbol,
} from '../../../src/shared/domain/options';

const MINUTE = 60_000;

function ny(date: string, hh: number, mm: number): number {
  return newYorkWallToUtc(dayFromIsoDate(date), (hh * 60 + mm) * MINUTE);
}

interface DaySpec {
  readonly date: string;
  /** Every bar's close (and open); default 450. */
  readonly price?: number;
  /** The session's high − low, put on its first bar; default 2. */
  readonly range?: number;
  /** Session close, New York hour (13 on early closes); default 16. */
  readonly closeHour?: number;
  /** The data stops before this New York time (hour, minute): a day with missing bars. */
  readonly dataEnds?: readonly [number, number];
}

/** Regular-hours bars of `minutes` length for each day: flat at `price`, the first bar spanning the range. */
function sessionBars(days: readonly DaySpec[], minutes: number): BarColumns {
  const rows: [number, number, number, number, number][] = [];
  for (const d of days) {
    const price = d.price ?? 450;
    const range = d.range ?? 2;
    const end = d.dataEnds === undefined ? ny(d.date, d.closeHour ?? 16, 0) : ny(d.date, ...d.dataEnds);
    for (let t = ny(d.date, 9, 30), i = 0; t < end; t += minutes * MINUTE, i++) {
      rows.push(
        i === 0 ? [t, price, price + range / 2, price - range / 2, price] : [t, price, price, price, price],
      );
    }
  }
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k] as number));
  return {
    time: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: new Float64Array(rows.length),
    length: rows.length,
  };
}

/** Quotes the test sets: a listing of daily expiries with $1 strikes, and a put's bid/ask from `price(time)`. */
function scriptedQuotes(price: (symbol: string, time: number) => { bid: number; ask: number } | undefined) {
  const asked: string[] = [];
  const quotes: OptionQuoteSource = {
    label: 'scripted',
    synthetic: true,
    listed(underlying: string, time: number): OptionListing | undefined {
      const day = phase4dSessionClock(time).day;
      const strikes = Array.from({ length: 201 }, (_, i) => 350 + i);
      return { underlying, expiries: [{ expiry: day, strikes }] };
    },
    quote(symbol: string, time: number, underlyingPrice: number): OptionQuote | undefined {
      asked.push(symbol);
      const p = price(symbol, time);
      return p === undefined ? undefined : { symbol, ...p, time, underlyingPrice };
    },
  };
  return { quotes, asked };
}

interface Sent {
  readonly time: number;
  readonly intent: OptionIntent;
}

interface Broker {
  /** Fill entries at their limit (true) or leave them unfilled and gone (false). */
  fillEntries?: boolean;
  /** The day's realized P&L the context reports, by day. */
  dayPnl?: (day: string) => number;
}

/** Runs `params` over the bars; fills as the broker says, closes at the bid. Returns what was sent and decided. */
function run(
  days: readonly DaySpec[],
  minutes: number,
  quotes: OptionQuoteSource,
  params: Partial<Phase4dParams> = {},
  broker: Broker = {},
  vixCloses: Readonly<Record<string, number>> = defaultVix(days),
) {
  const vix = parseVixHistory(
    [
      'DATE,OPEN,HIGH,LOW,CLOSE',
      ...Object.entries(vixCloses).map(([date, close]) => {
        const [y, m, d] = date.split('-');
        return `${m}/${d}/${y},1,1,1,${close}`;
      }),
    ].join('\n'),
    'VIX_History.csv',
  );
  const strategy = createPhase4d(Phase4dParamsSchema.parse(params), { volatility: vix, symbol: 'SPY' });
  const bars = sessionBars(days, minutes);
  const view = new ColumnBarView(bars);
  let holdings: OptionHolding[] = [];
  const sent: Sent[] = [];
  const decisions: OptionDayDecision[] = [];
  for (let i = 0; i < bars.length; i++) {
    view.moveTo(i);
    const time = (bars.time[i] as number) + minutes * MINUTE;
    const session = phase4dSessionClock(bars.time[i] as number);
    holdings = holdings.map((h) => ({
      ...h,
      bid: quotes.quote(h.symbol, time, view.close)?.bid ?? Number.NaN,
    }));
    const ctx: OptionStrategyContext = {
      underlying: 'SPY',
      bar: view,
      time,
      session,
      quotes,
      holdings,
      workingOrders: 0,
      cash: 100_000,
      equity: 100_000,
      dayPnl: broker.dayPnl?.(session.day) ?? 0,
    };
    for (const intent of strategy.onBar(ctx) ?? []) {
      sent.push({ time, intent });
      if (intent.purpose === 'open' && (broker.fillEntries ?? true)) {
        holdings.push({
          symbol: intent.symbol,
          contract: parseOccSymbol(intent.symbol),
          contracts: intent.contracts,
          avgPremium: intent.limitPrice as number,
          openingFees: 0.65 * intent.contracts,
          openedAt: time,
          bid: Number.NaN,
        });
      }
      if (intent.purpose === 'close') holdings = holdings.filter((h) => h.symbol !== intent.symbol);
    }
    decisions.push(...strategy.takeDecisions());
  }
  return { sent, decisions };
}

/** VIX 15 on every day of the run. */
function defaultVix(days: readonly DaySpec[]): Record<string, number> {
  return Object.fromEntries(days.map((d) => [d.date, 15]));
}

const flat = (bid: number, ask: number) => scriptedQuotes(() => ({ bid, ask })).quotes;

// Mon 2024-03-04 … Fri 2024-03-08: an ordinary week.
const WEEK: DaySpec[] = [
  { date: '2024-03-04' },
  { date: '2024-03-05' },
  { date: '2024-03-06' },
  { date: '2024-03-07' },
  { date: '2024-03-08' },
];

describe('Phase 4D day decisions use the previous session', () => {
  test.each([
    // previous VIX close, previous range → decision, reason
    [25, 4, 'traded', undefined],
    [25.01, 4, 'skipped', 'high_vix'],
    [20, 5, 'traded', undefined],
    [20, 5.01, 'skipped', 'moderate_volatility'],
    [20, 8, 'skipped', 'moderate_volatility'],
    [20, 8.01, 'skipped', 'extreme_volatility'],
    [30, 9, 'skipped', 'high_vix'],
  ])('VIX %d and range $%d the session before → %s %s', (vixClose, range, decision, reason) => {
    // Tuesday is decided on Monday's figures; Monday itself is the warm-up (no previous session), Tuesday's own
    // range (9) and Tuesday's VIX (40) are not looked at.
    const { decisions } = run(
      [
        { date: '2024-03-04', range },
        { date: '2024-03-05', range: 9 },
      ],
      5,
      flat(4, 4.05),
      {},
      {},
      { '2024-03-04': vixClose, '2024-03-05': 40 },
    );
    expect(decisions).toEqual([
      {
        day: '2024-03-05',
        decision,
        ...(reason === undefined ? {} : { reason }),
        inputs:
          decision === 'traded'
            ? {
                vixClose,
                previousRange: range,
                spot: 450,
                strike: 450,
                ask: 4.05,
                limitPrice: 4.08,
                contracts: 2,
              }
            : { vixClose, previousRange: range },
      },
    ]);
  });

  test("filters come from the params: maxVix 30 trades Monday's VIX 28", () => {
    const { decisions } = run(
      WEEK.slice(0, 2),
      5,
      flat(4, 4.05),
      {
        filters: { maxVix: 30, extremeRange: 8, moderateRange: 5 },
      },
      {},
      { '2024-03-04': 28, '2024-03-05': 28 },
    );
    expect(decisions.map((d) => d.decision)).toEqual(['traded']);
  });

  test('days before the volatility history begins are warm-up: nothing decided', () => {
    // A realised VIX has no value for its first 20 sessions; a VIX file may start later than the bars.
    const { decisions, sent } = run(WEEK.slice(0, 3), 5, flat(4, 4.05), {}, {}, { '2024-03-05': 15 });
    expect(decisions.map((d) => [d.day, d.decision])).toEqual([['2024-03-06', 'traded']]);
    expect(sent.filter((s) => s.intent.purpose === 'open')).toHaveLength(1);
  });

  test('a previous session missing from the VIX file: no entry, naming the day and the file', () => {
    const { decisions, sent } = run(
      WEEK.slice(0, 2),
      5,
      flat(4, 4.05),
      {},
      {},
      {
        '2024-03-01': 15,
        '2024-03-05': 15,
      },
    );
    expect(sent).toEqual([]);
    expect(decisions).toEqual([
      {
        day: '2024-03-05',
        decision: 'no_entry',
        reason: 'no VIX close for 2024-03-04 (the previous session) in VIX_History.csv (CBOE VIX)',
        inputs: { previousRange: 2 },
      },
    ]);
  });

  test('the previous session over a weekend and a holiday is the last one with bars', () => {
    // Fri 2024-03-28 → (Good Friday, weekend) → Mon 2024-04-01: Monday is decided on Thursday's VIX.
    const { decisions } = run(
      [{ date: '2024-03-28', range: 6 }, { date: '2024-04-01' }],
      5,
      flat(4, 4.05),
      {},
      {},
      { '2024-03-28': 15 },
    );
    expect(decisions).toEqual([
      {
        day: '2024-04-01',
        decision: 'skipped',
        reason: 'moderate_volatility',
        inputs: { vixClose: 15, previousRange: 6 },
      },
    ]);
  });
});

describe('Phase 4D entries', () => {
  test.each([5, 1])(
    'with %d-minute bars it enters at the close of the bar starting 10:00, once a day',
    (minutes) => {
      const { sent, decisions } = run(WEEK, minutes, flat(4, 4.05));
      const entries = sent.filter((s) => s.intent.purpose === 'open');
      expect(entries.map((e) => new Date(e.time).toISOString())).toEqual(
        WEEK.slice(1).map((d) => new Date(ny(d.date, 10, minutes)).toISOString()),
      );
      expect(decisions.map((d) => `${d.day} ${d.decision}`)).toEqual(
        WEEK.slice(1).map((d) => `${d.date} traded`),
      );
    },
  );

  test('entryDelayMinutes moves the entry: 45 minutes enters at the close of the 10:15 bar', () => {
    const { sent } = run(WEEK.slice(0, 2), 5, flat(4, 4.05), { entryDelayMinutes: 45 });
    expect(sent[0]?.time).toBe(ny('2024-03-05', 10, 20));
  });

  test('the order: a limit buy of the preset contracts at ask × (1 + slippage) rounded up to the cent', () => {
    // 2K: 2 contracts, slippage 0.5%: 4.05 × 1.005 = 4.07025 → 4.08. 25K: 25, 0.8%: 4.05 × 1.008 = 4.0824 → 4.09.
    const two = run(WEEK.slice(0, 2), 5, flat(4, 4.05)).sent[0]?.intent;
    expect(two).toMatchObject({
      side: 'buy',
      purpose: 'open',
      type: 'limit',
      contracts: 2,
      limitPrice: 4.08,
    });
    const many = run(WEEK.slice(0, 2), 5, flat(4, 4.05), { preset: '25k' }).sent[0]?.intent;
    expect(many).toMatchObject({ contracts: 25, limitPrice: 4.09 });
    const override = run(WEEK.slice(0, 2), 5, flat(4, 4.05), { preset: '25k', contracts: 3 }).sent[0]?.intent;
    expect(override?.contracts).toBe(3);
  });

  test.each([
    // spot → strike: buffer 0 up to 400, 0.3 above 400, 0.5 above 500; the nearest strike, ties to the higher
    [400, 400],
    [400.2, 401], // 400.5: a tie → 401
    [450.2, 451], // 450.5: tie → 451
    [450.1, 450], // 450.4 → 450
    [500, 500], // 500.3 → 500
    [500.1, 501], // 500.6 → 501
    [399.6, 400], // 399.6 + 0 → 400
  ])('SPY %d → the %d put of the day', (spot, strike) => {
    const { sent } = run(
      [
        { date: '2024-03-04', price: spot },
        { date: '2024-03-05', price: spot },
      ],
      5,
      flat(4, 4.05),
    );
    const intent = sent[0]?.intent;
    expect(intent?.symbol).toBe(`SPY240305P${String(strike * 1000).padStart(8, '0')}`);
  });

  test('no quote for the chosen put: no entry, the reason names the contract', () => {
    const { quotes } = scriptedQuotes(() => undefined);
    const { decisions, sent } = run(WEEK.slice(0, 2), 5, quotes);
    expect(sent).toEqual([]);
    expect(decisions[0]).toMatchObject({ day: '2024-03-05', decision: 'no_entry' });
    expect(decisions[0]?.reason).toMatch(/^no quote for SPY240305P00450000 at 2024-03-05T15:05:00.000Z$/);
  });

  test('the daily loss limit blocks the entry: no entry, "daily loss limit"', () => {
    const { decisions, sent } = run(
      WEEK.slice(0, 3),
      5,
      flat(4, 4.05),
      {},
      {
        dayPnl: (day) => (day === '2024-03-05' ? -500 : -499.99),
      },
    );
    expect(
      sent.filter((s) => s.intent.purpose === 'open').map((s) => new Date(s.time).toISOString()),
    ).toEqual([new Date(ny('2024-03-06', 10, 5)).toISOString()]);
    expect(decisions[0]).toMatchObject({ day: '2024-03-05', decision: 'no_entry' });
    expect(decisions[0]?.reason).toMatch(/^daily loss limit/);
    expect(decisions[1]).toMatchObject({ day: '2024-03-06', decision: 'traded' });
  });

  test('an entry that does not fill is no entry, decided at the next bar', () => {
    const { decisions } = run(WEEK.slice(0, 2), 5, flat(4, 4.05), {}, { fillEntries: false });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ day: '2024-03-05', decision: 'no_entry' });
    expect(decisions[0]?.reason).toMatch(/did not fill/);
  });

  test('a day whose bars stop before the entry time is no entry, decided when the next day starts', () => {
    const { decisions, sent } = run(
      [{ date: '2024-03-04' }, { date: '2024-03-05', dataEnds: [10, 0] }, { date: '2024-03-06' }],
      5,
      flat(4, 4.05),
    );
    expect(decisions.map((d) => [d.day, d.decision, d.reason])).toEqual([
      ['2024-03-05', 'no_entry', 'no bar at the entry time'],
      ['2024-03-06', 'traded', undefined],
    ]);
    expect(sent.filter((s) => s.intent.purpose === 'open')).toHaveLength(1);
  });

  test('an entry time inside the exit window is no entry', () => {
    // 385 minutes after the open: the 15:55 bar, closing at 16:00, 0 minutes before the close.
    const { decisions, sent } = run(WEEK.slice(0, 2), 5, flat(4, 4.05), { entryDelayMinutes: 385 });
    expect(sent).toEqual([]);
    expect(decisions[0]?.reason).toBe(
      'the entry bar closes 0 minutes before the close, inside the exit window',
    );
  });

  test('a warm-up day (no previous session) decides nothing and enters nothing', () => {
    const { decisions, sent } = run(WEEK.slice(0, 1), 5, flat(4, 4.05));
    expect(decisions).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('Phase 4D exits', () => {
  test.each([5, 1])(
    'with %d-minute bars, the end-of-day sale goes at the close of the bar ending 15:50',
    (minutes) => {
      const { sent } = run(WEEK.slice(0, 2), minutes, flat(4, 4.05));
      const exits = sent.filter((s) => s.intent.purpose === 'close');
      expect(exits).toHaveLength(1);
      expect(exits[0]?.time).toBe(ny('2024-03-05', 15, 50));
      expect(exits[0]?.intent).toMatchObject({
        type: 'market',
        side: 'sell',
        contracts: 2,
        exitReason: 'end_of_day',
      });
    },
  );

  test('an early close (day after Thanksgiving, 13:00) exits at 12:50', () => {
    const { sent } = run(
      [{ date: '2023-11-22' }, { date: '2023-11-24', closeHour: 13 }],
      5,
      flat(4, 4.05),
      {},
      {},
      { '2023-11-22': 15 },
    );
    expect(sent.map((s) => [s.intent.purpose, s.time])).toEqual([
      ['open', ny('2023-11-24', 10, 5)],
      ['close', ny('2023-11-24', 12, 50)],
    ]);
  });

  // Hand arithmetic (2K: 2 contracts, slippage 0.5%, $0.65 a contract): ask 4.00 → limit 4.02, filled at 4.02.
  // Entry premium 4.02 + 1.30 / 200 = 4.0265 a share; paid 805.30. Exit premium = bid × 0.995 − 0.0065.
  // Profit target: P&L ≥ 0.5 × 805.30 = 402.65 → exit premium ≥ 6.03975: bid 6.07 → 6.03315 (no), 6.08 → 6.0431 (yes).
  // Max loss $200: P&L < −200 → exit premium < 3.0265: bid 3.05 → 3.02825 (−199.65, no), 3.04 → 3.0183 (−201.64).
  test.each([
    [6.07, undefined],
    [6.08, 'profit_target'],
    [3.05, undefined],
    [3.04, 'max_loss'],
  ])('bid %d at 11:00 → %s', (bid, reason) => {
    const entryAsk = 4;
    const { quotes } = scriptedQuotes((_, time) =>
      time >= ny('2024-03-05', 11, 0) && time < ny('2024-03-05', 11, 5)
        ? { bid, ask: bid + 0.05 }
        : { bid: entryAsk - 0.05, ask: entryAsk },
    );
    const { sent } = run(WEEK.slice(0, 2), 5, quotes);
    expect(sent[0]?.intent.limitPrice).toBe(4.02);
    const exits = sent.filter((s) => s.intent.purpose === 'close');
    if (reason === undefined) {
      expect(exits.map((e) => [e.time, e.intent.exitReason])).toEqual([
        [ny('2024-03-05', 15, 50), 'end_of_day'],
      ]);
    } else {
      expect(exits.map((e) => [e.time, e.intent.exitReason])).toEqual([[ny('2024-03-05', 11, 0), reason]]);
    }
  });

  test('a holding without a quote cannot be judged on P&L: it goes at the end-of-day bar', () => {
    const { quotes } = scriptedQuotes((_, time) =>
      time <= ny('2024-03-05', 10, 5) ? { bid: 3.95, ask: 4 } : undefined,
    );
    const { sent } = run(WEEK.slice(0, 2), 5, quotes);
    expect(sent.map((s) => [s.intent.purpose, s.time, s.intent.exitReason])).toEqual([
      ['open', ny('2024-03-05', 10, 5), undefined],
      ['close', ny('2024-03-05', 15, 50), 'end_of_day'],
    ]);
    expect(sent[1]?.intent.reason).toMatch(/bid none/);
  });

  test('after a profit-target exit the day is done: no second entry', () => {
    const { quotes } = scriptedQuotes((_, time) =>
      time >= ny('2024-03-05', 10, 30) ? { bid: 9, ask: 9.1 } : { bid: 3.95, ask: 4 },
    );
    const { sent } = run(WEEK.slice(0, 2), 5, quotes);
    expect(sent.map((s) => [s.intent.purpose, s.time, s.intent.exitReason])).toEqual([
      ['open', ny('2024-03-05', 10, 5), undefined],
      ['close', ny('2024-03-05', 10, 30), 'profit_target'],
    ]);
  });

  test('exit P&L counts the commissions of both sides and the slippage', () => {
    // 25K: 25 contracts, slippage 0.8%, $0.65 a contract, max loss $1,000. Ask 4.00 → limit 4.032 → 4.04, filled
    // there. Entry premium 4.04 + 16.25 / 2500 = 4.0465; max loss when the exit premium bid × 0.992 − 0.0065 <
    // 4.0465 − 1000 / 2500 = 3.6465. Bid 3.68 → 3.64406: max loss (without costs, 3.68 − 4.04 = −$900 would hold).
    // Bid 3.69 → 3.65398: held to the close.
    const exitAt = (bid: number) =>
      run(
        WEEK.slice(0, 2),
        5,
        scriptedQuotes((_, time) =>
          time >= ny('2024-03-05', 11, 0) ? { bid, ask: bid + 0.05 } : { bid: 3.95, ask: 4 },
        ).quotes,
        { preset: '25k' },
      ).sent.map((s) => [s.intent.limitPrice, s.intent.exitReason]);
    expect(exitAt(3.68)).toEqual([
      [4.04, undefined],
      [undefined, 'max_loss'],
    ]);
    expect(exitAt(3.69)).toEqual([
      [4.04, undefined],
      [undefined, 'end_of_day'],
    ]);
  });
});

describe('Phase 4D params and session clock', () => {
  test('defaults come from the preset; overrides win', () => {
    const s = phase4dSettings(Phase4dParamsSchema.parse({}));
    expect(s).toMatchObject({
      id: '2k',
      contracts: 2,
      maxDailyLoss: 500,
      maxLossPerTrade: 200,
      spread: 0.03,
      slippage: 0.005,
      commissionPerContract: 0.65,
      entryDelayMinutes: 30,
      minDaysToExpiry: 0,
      filters: { maxVix: 25, extremeRange: 8, moderateRange: 5 },
      profitTarget: 0.5,
      minutesBeforeClose: 10,
      rate: 0.045,
      strikeRange: 20,
    });
    const big = phase4dSettings(Phase4dParamsSchema.parse({ preset: '25k', maxLossPerTrade: 800 }));
    expect(big).toMatchObject({
      contracts: 25,
      maxDailyLoss: 1500,
      maxLossPerTrade: 800,
      spread: 0.035,
      slippage: 0.008,
    });
  });

  test('the form: every field described, defaults shown, the filters as one object', () => {
    const schema = z.toJSONSchema(Phase4dParamsSchema, { io: 'input' }) as {
      properties: Record<string, { description?: string; default?: unknown }>;
    };
    for (const [key, field] of Object.entries(schema.properties)) expect(field.description, key).toBeTruthy();
    expect(schema.properties.entryDelayMinutes?.default).toBe(30);
    expect(schema.properties.filters?.default).toEqual({ maxVix: 25, extremeRange: 8, moderateRange: 5 });
    expect(schema.properties.contracts?.default).toBeUndefined();
  });

  test('bad params are refused naming the field', () => {
    const bad = Phase4dParamsSchema.safeParse({ preset: '10k', contracts: 1.5 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['contracts', 'preset']);
    expect(Phase4dParamsSchema.safeParse({ filters: { maxVix: -1 } }).success).toBe(false);
    expect(Phase4dParamsSchema.safeParse({ slippage: 0.6 }).success).toBe(false);
    expect(Phase4dParamsSchema.safeParse({ spread: 0 }).success).toBe(true);
    expect(Phase4dParamsSchema.safeParse({ typo: 1 }).success).toBe(false);
  });

  test('the session clock: regular hours, early closes, and a refusal on a holiday', () => {
    expect(phase4dSessionClock(ny('2024-03-05', 9, 30))).toEqual({
      day: '2024-03-05',
      openTime: ny('2024-03-05', 9, 30),
      closeTime: ny('2024-03-05', 16, 0),
    });
    expect(phase4dSessionClock(ny('2023-11-24', 12, 0)).closeTime).toBe(ny('2023-11-24', 13, 0));
    expect(() => phase4dSessionClock(ny('2024-03-29', 10, 0))).toThrow(/2024-03-29.*do not trade/);
  });
});
