import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXECUTION_MODES,
  holdingDeadline,
  MAX_HOLDING_DAYS,
  parseTradePlan,
  readTradePlan,
  TradePlanError,
  type TradePlanOptions,
  TradePlanRowSchema,
  tradePlanIntents,
} from '../../../src/main/sessions/trade-plan';

const fixtures = join(__dirname, '../../fixtures/trade-plans');
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HEADER = 'symbol,side,qty,notional,entry_type,entry_price,take_profit,stop_loss,tif,hold_days';

/** The problems of a plan that must fail, as the lines the user reads. */
function problemsOf(text: string, options: TradePlanOptions = {}): string[] {
  try {
    parseTradePlan(text, 'plan.csv', options);
  } catch (error) {
    expect(error).toBeInstanceOf(TradePlanError);
    return (error as TradePlanError).message.split('\n').slice(1);
  }
  throw new Error('the plan was accepted');
}

const plan = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('good files', () => {
  it('imports every row, with quotes, comments, blank lines, mixed case and defaults', () => {
    const result = readTradePlan(join(fixtures, 'good.csv'));
    expect(result.source).toBe('good.csv');
    expect(result.mode).toBe('balanced');
    expect(result.rows).toEqual([
      {
        line: 3,
        symbol: 'AAPL',
        side: 'buy',
        qty: 10,
        entryType: 'limit',
        entryPrice: 100,
        takeProfit: 110,
        stopLoss: 95,
        timeInForce: 'day',
        holdDays: 2,
        timeLimitDays: 2,
        mode: 'balanced',
      },
      {
        line: 4,
        symbol: 'MSFT',
        side: 'sell',
        notional: 5000,
        entryType: 'stop',
        entryPrice: 400,
        takeProfit: 380,
        stopLoss: 410,
        timeInForce: 'gtc',
        timeLimitDays: 6,
        mode: 'balanced',
      },
      {
        line: 6,
        symbol: 'NVDA',
        side: 'buy',
        qty: 5,
        entryType: 'market',
        takeProfit: 900,
        stopLoss: 800,
        timeInForce: 'day',
        holdDays: 1.5,
        timeLimitDays: 1.5,
        mode: 'balanced',
      },
      {
        line: 7,
        symbol: 'SPY',
        side: 'sell',
        qty: 3,
        entryType: 'stop_limit',
        entryPrice: 500,
        takeProfit: 480,
        stopLoss: 505,
        timeInForce: 'day',
        holdDays: 6,
        timeLimitDays: 6,
        mode: 'balanced',
      },
    ]);
    for (const row of result.rows) expect(TradePlanRowSchema.parse(row)).toEqual(row);
  });

  it('accepts aliases in any case, semicolons, CRLF and a separate stop-limit limit', () => {
    const result = readTradePlan(join(fixtures, 'aliases-semicolon.csv'), { mode: 'conservative' });
    expect(result.rows).toEqual([
      {
        line: 2,
        symbol: 'QQQ',
        side: 'buy',
        qty: 2,
        entryType: 'stop_limit',
        entryPrice: 430,
        limitPrice: 431,
        takeProfit: 450,
        stopLoss: 420,
        timeInForce: 'gtc',
        holdDays: 3,
        timeLimitDays: 3,
        mode: 'conservative',
      },
      {
        line: 3,
        symbol: 'IWM',
        side: 'sell',
        qty: 7,
        entryType: 'limit',
        entryPrice: 200,
        takeProfit: 190,
        stopLoss: 205,
        timeInForce: 'day',
        timeLimitDays: 10,
        mode: 'conservative',
      },
    ]);
  });

  it.each([
    ['take_profit', 'tp'],
    ['take_profit', 'Target'],
    ['stop_loss', 'SL'],
    ['stop_loss', 'stop'],
    ['tif', 'time_in_force'],
    ['hold_days', 'expected holding days'],
  ])('%s may be called %s', (column, alias) => {
    const result = parseTradePlan(
      plan('AAPL,buy,1,,limit,100,110,95,gtc,3').replace(column, alias),
      'plan.csv',
    );
    expect(result.rows[0]).toMatchObject({ takeProfit: 110, stopLoss: 95, timeInForce: 'gtc', holdDays: 3 });
  });

  it('a UTF-8 BOM and a missing optional column are fine', () => {
    const text =
      '\uFEFFsymbol,side,qty,entry_type,entry_price,take_profit,stop_loss\nAAPL,buy,1,limit,100,110,95\n';
    expect(parseTradePlan(text, 'plan.csv').rows[0]).toMatchObject({ timeInForce: 'day', timeLimitDays: 6 });
  });
});

describe('sizes: sane, whole shares unless fractional, within the session limits', () => {
  // A session with 100,000 equity, 1× gross exposure, whole shares; NVDA last closed at 850.
  const limits = {
    quantityStep: 1,
    maxNotional: 100_000,
    maxNotionalReason: 'risk.maxGrossExposure 1 × equity 100000',
    lastPrices: { NVDA: 850 },
  };

  it('refuses the whole plan, naming each absurd size by line and field', () => {
    let error: unknown;
    try {
      readTradePlan(join(fixtures, 'absurd-sizes.csv'), { limits });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TradePlanError);
    const limit = "the session's limit of 100000 notional (risk.maxGrossExposure 1 × equity 100000)";
    expect((error as TradePlanError).message).toBe(
      [
        'absurd-sizes.csv: 5 problems in 5 rows; nothing was imported',
        'absurd-sizes.csv line 3, field qty: 1e+308 is not a sane number of shares (at most 1000000000)',
        'absurd-sizes.csv line 4, field qty: 2.5 is not a whole number of shares (this session does not trade fractional shares)',
        `absurd-sizes.csv line 5, field qty: 5000 shares at 100, its entry price, is more than ${limit}: at most 1000 shares`,
        `absurd-sizes.csv line 6, field notional: 1000000000000 is more than ${limit}`,
        `absurd-sizes.csv line 7, field qty: 900 shares at 850, the last close, is more than ${limit}: at most 117 shares`,
      ].join('\n'),
    );
  });

  it('without a session, 1e308 shares is still refused; fractional and position limits when the session sets them', () => {
    const row = (qty: string) => plan(`AAPL,buy,${qty},,market,,110,95,day,2`);
    const fractional = { ...limits, quantityStep: 0, maxPositionQty: 50 };

    expect(problemsOf(row('1e308'))).toEqual([
      'plan.csv line 2, field qty: 1e+308 is not a sane number of shares (at most 1000000000)',
    ]);
    expect(parseTradePlan(row('2.5'), 'plan.csv', { limits: fractional }).rows[0]!.qty).toBe(2.5);
    expect(problemsOf(row('60'), { limits: fractional })).toEqual([
      "plan.csv line 2, field qty: 60 shares is more than the session's limit of 50 shares per position",
    ]);
    // No price known: a buy is valued at least at its stop loss (95), so 2000 shares is at least 190,000.
    expect(problemsOf(row('2000'), { limits })).toEqual([
      "plan.csv line 2, field qty: 2000 shares at 95, its stop loss (a buy enters above it), is more than the session's limit of 100000 notional (risk.maxGrossExposure 1 × equity 100000): at most 1052 shares",
    ]);
  });
});

describe('bad files: every problem, with its line and field, and nothing imported', () => {
  it('lists every bad row of the fixture', () => {
    let error: unknown;
    try {
      readTradePlan(join(fixtures, 'bad.csv'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TradePlanError);
    const planError = error as TradePlanError;
    expect(planError.message).toBe(
      [
        'bad.csv: 14 problems in 8 rows; nothing was imported',
        'bad.csv line 3, field stop_loss: 390 is below the entry 400 for a sell',
        'bad.csv line 4, field stop_loss: 101 is above the entry 100 for a buy',
        'bad.csv line 5, field side: "hold" is not buy or sell',
        'bad.csv line 5, field qty: -3 must be a positive number',
        'bad.csv line 5, field entry_price: "abc" is not a number',
        'bad.csv line 5, field tif: "week" is not day or gtc',
        'bad.csv line 6, field qty: missing: give qty or notional',
        'bad.csv line 6, field entry_price: missing: a stop entry needs its price',
        'bad.csv line 7, field notional: give qty or notional, not both (qty 4, notional 1000)',
        'bad.csv line 7, field hold_days: 12 days is longer than balanced mode allows (at most 6 days)',
        'bad.csv line 8: duplicate of line 2 (same symbol, side, size, entry, stop loss, take profit, tif and holding time)',
        'bad.csv line 9, field stop_loss: 580 is below the entry 600 for a sell',
        'bad.csv line 9, field take_profit: 620 is above the entry 600 for a sell',
        'bad.csv line 10: 7 fields where the header has 10',
      ].join('\n'),
    );
    expect(planError.problems[0]).toEqual({
      file: 'bad.csv',
      line: 3,
      field: 'stop_loss',
      detail: '390 is below the entry 400 for a sell',
    });
  });

  it('one bad row among good ones refuses the whole plan', () => {
    const text = plan(
      'AAPL,buy,1,,limit,100,110,95,day,',
      'MSFT,buy,1,,limit,100,110,101,day,',
      'NVDA,buy,1,,market,,110,95,day,',
    );
    expect(() => parseTradePlan(text, 'plan.csv')).toThrow(TradePlanError);
    expect(problemsOf(text)).toEqual([
      'plan.csv line 3, field stop_loss: 101 is above the entry 100 for a buy',
    ]);
  });

  it('a buy’s stop must be below the entry and its target above; a sell the reverse; equal is wrong too', () => {
    expect(problemsOf(plan('A,buy,1,,limit,100,100,100,day,'))).toEqual([
      'plan.csv line 2, field stop_loss: 100 is at the entry 100 for a buy',
      'plan.csv line 2, field take_profit: 100 is at the entry 100 for a buy',
    ]);
    expect(problemsOf(plan('A,buy,1,,limit,100,90,95,day,'))).toEqual([
      'plan.csv line 2, field take_profit: 90 is below the entry 100 for a buy',
    ]);
    expect(problemsOf(plan('A,sell,1,,limit,100,105,110,day,'))).toEqual([
      'plan.csv line 2, field take_profit: 105 is above the entry 100 for a sell',
    ]);
    // A market entry without a price: the stop and target are checked against each other.
    expect(problemsOf(plan('A,buy,1,,market,,90,95,day,'))).toEqual([
      'plan.csv line 2, field stop_loss: 95 is above the take profit 90 for a buy',
    ]);
    expect(problemsOf(plan('A,sell,1,,market,,110,95,day,'))).toEqual([
      'plan.csv line 2, field stop_loss: 95 is below the take profit 110 for a sell',
    ]);
    // A market entry with a reference price is checked against it.
    expect(problemsOf(plan('A,buy,1,,market,100,110,101,day,'))).toEqual([
      'plan.csv line 2, field stop_loss: 101 is above the entry 100 for a buy',
    ]);
  });

  it('numbers must be positive and plain; stop loss and take profit are required', () => {
    expect(problemsOf(plan('A,buy,0,,limit,$100,110,,day,-1'))).toEqual([
      'plan.csv line 2, field qty: 0 must be a positive number',
      'plan.csv line 2, field entry_price: "$100" is not a number',
      'plan.csv line 2, field hold_days: -1 must be a positive number',
      'plan.csv line 2, field stop_loss: missing',
    ]);
    expect(problemsOf(plan('A,buy,1,,limit,100,1e999,95,day,'))).toEqual([
      'plan.csv line 2, field take_profit: 1e999 must be a positive number',
    ]);
  });

  it('entry types and the fields they need', () => {
    expect(
      problemsOf(
        plan('A,buy,1,,limit,,110,95,day,', 'B,buy,1,,trailing,100,110,95,day,', 'C,buy,1,,,100,110,95,day,'),
      ),
    ).toEqual([
      'plan.csv line 2, field entry_price: missing: a limit entry needs its price',
      'plan.csv line 3, field entry_type: "trailing" is not one of market, limit, stop, stop_limit',
      'plan.csv line 4, field entry_type: missing (market, limit, stop, stop_limit)',
    ]);
    const withLimit = `${HEADER},limit_price\nA,buy,1,,limit,100,110,95,day,,101`;
    expect(problemsOf(withLimit)).toEqual([
      'plan.csv line 2, field limit_price: only a stop_limit entry has a separate limit price (this is limit)',
    ]);
  });

  it('symbols: required, well-formed, and known when a list is given', () => {
    expect(problemsOf(plan(',buy,1,,limit,100,110,95,day,', 'A B,buy,1,,limit,100,110,95,day,'))).toEqual([
      'plan.csv line 2, field symbol: missing',
      'plan.csv line 3, field symbol: "A B" is not a symbol',
    ]);
    const text = plan(
      'aapl,buy,1,,limit,100,110,95,day,',
      'XYZ,buy,1,,limit,100,110,95,day,',
      'BTC/USD,buy,1,,limit,100,110,95,day,',
    );
    expect(problemsOf(text, { symbols: ['AAPL', 'btc/usd'] })).toEqual([
      'plan.csv line 3, field symbol: XYZ is not a known symbol',
    ]);
  });

  it('duplicates are flagged against the first occurrence; a different size is not a duplicate', () => {
    const text = plan(
      'A,buy,1,,limit,100,110,95,day,',
      'A,buy,2,,limit,100,110,95,day,',
      'a,BUY,1,,limit,100.0,110,95,,',
    );
    expect(problemsOf(text)).toEqual([
      'plan.csv line 4: duplicate of line 2 (same symbol, side, size, entry, stop loss, take profit, tif and holding time)',
    ]);
  });

  it('file-level problems: empty, no rows, missing, unknown and doubled columns, unclosed quotes', () => {
    expect(problemsOf('')).toEqual(['plan.csv: the file is empty (no header, no rows)']);
    expect(problemsOf(`\n${HEADER}\n\n`)).toEqual(['plan.csv: the file has a header but no rows']);
    expect(problemsOf('symbol,side,qty,entry_type,entry_price,take_profit\nA,buy,1,market,,110')).toEqual([
      'plan.csv line 1: missing column stop_loss (accepted names: stop loss, sl, stop)',
    ]);
    expect(problemsOf('symbol,side,entry_type,take_profit,stop_loss\nA,buy,market,110,95')[0]).toMatch(
      /^plan\.csv line 1: missing a size column: qty/,
    );
    expect(problemsOf(`${HEADER},hold_dayz\nA,buy,1,,market,,110,95,day,,3`)[0]).toMatch(
      /^plan\.csv line 1: unknown column "hold_dayz"; accepted: symbol\|ticker, /,
    );
    expect(problemsOf('symbol,side,qty,SL,stop_loss\nA,buy,1,95,95')).toEqual([
      'plan.csv line 1: two columns mean stop_loss: "SL" and "stop_loss"',
    ]);
    expect(problemsOf(`${HEADER}\nA,buy,1,,market,,110,95,day,"3`)).toEqual([
      'plan.csv line 2: a quoted field is never closed',
    ]);
  });

  it('a quoted field may span lines; later line numbers stay physical', () => {
    const text = `${HEADER},notes\nA,buy,1,,market,,110,95,day,,"two\nlines"\nB,buy,1,,limit,100,110,101,day,,`;
    expect(problemsOf(text)).toEqual([
      'plan.csv line 4, field stop_loss: 101 is above the entry 100 for a buy',
    ]);
  });
});

describe('execution modes bound the expected holding time', () => {
  it('the bounds are 2, 3.5, 6 and 10 trading days', () => {
    expect(MAX_HOLDING_DAYS).toEqual({ intraday: 2, fast: 3.5, balanced: 6, conservative: 10 });
  });

  for (const mode of EXECUTION_MODES) {
    const bound = MAX_HOLDING_DAYS[mode];
    it(`${mode}: ${bound} days is accepted, more is refused with the reason, none gets the bound`, () => {
      const accepted = parseTradePlan(
        plan(`A,buy,1,,market,,110,95,day,${bound}`, 'B,buy,1,,market,,110,95,day,'),
        'plan.csv',
        { mode },
      );
      expect(accepted.mode).toBe(mode);
      expect(accepted.rows.map((row) => [row.holdDays, row.timeLimitDays])).toEqual([
        [bound, bound],
        [undefined, bound],
      ]);
      const over = problemsOf(plan(`A,buy,1,,market,,110,95,day,${bound + 0.5}`), { mode });
      const wider = EXECUTION_MODES.find((m) => MAX_HOLDING_DAYS[m] >= bound + 0.5);
      expect(over).toEqual([
        `plan.csv line 2, field hold_days: ${bound + 0.5} days is longer than ${mode} mode allows (at most ${bound} days)${wider === undefined ? '' : `; use ${wider} mode or shorten it`}`,
      ]);
    });
  }

  it('balanced is the default', () => {
    expect(parseTradePlan(plan('A,buy,1,,market,,110,95,day,'), 'plan.csv').rows[0]!.timeLimitDays).toBe(6);
  });

  it('the row schema checks the same rules for rows that come from elsewhere', () => {
    const row = parseTradePlan(plan('A,buy,1,,limit,100,110,95,day,5'), 'plan.csv').rows[0]!;
    const result = TradePlanRowSchema.safeParse({ ...row, mode: 'intraday', stopLoss: 120 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['stop_loss', '120 is above the entry 100 for a buy'],
      [
        'hold_days',
        '5 days is longer than intraday mode allows (at most 2 days); use balanced mode or shorten it',
      ],
    ]);
  });
});

describe('tradePlanIntents', () => {
  const rows = readTradePlan(join(fixtures, 'good.csv')).rows;

  it('a limit entry with its bracket, purpose open, the plan’s tif, and a reason naming the line', () => {
    expect(tradePlanIntents(rows[0]!)).toEqual([
      {
        symbol: 'AAPL',
        side: 'buy',
        purpose: 'open',
        type: 'limit',
        qty: 10,
        limitPrice: 100,
        stopLoss: 95,
        takeProfit: 110,
        timeInForce: 'day',
        reason: 'trade plan line 3: buy AAPL limit 100, stop 95, target 110, hold ≤ 2 trading days',
      },
    ]);
  });

  it('a notional is sized at the entry price, and says so', () => {
    const [intent] = tradePlanIntents(rows[1]!);
    expect(intent).toMatchObject({
      type: 'stop',
      stopPrice: 400,
      qty: 12.5,
      side: 'sell',
      timeInForce: 'gtc',
    });
    expect(intent!.limitPrice).toBeUndefined();
    expect(intent!.reason).toContain('notional 5000 sized at the entry price 400');
  });

  it('market and stop-limit entries', () => {
    expect(tradePlanIntents(rows[2]!)[0]).toMatchObject({
      type: 'market',
      qty: 5,
      stopLoss: 800,
      takeProfit: 900,
    });
    expect(tradePlanIntents(rows[2]!)[0]!.limitPrice).toBeUndefined();
    expect(tradePlanIntents(rows[3]!)[0]).toMatchObject({
      type: 'stop_limit',
      stopPrice: 500,
      limitPrice: 500,
    });
    const withLimit = readTradePlan(join(fixtures, 'aliases-semicolon.csv')).rows[0]!;
    expect(tradePlanIntents(withLimit)[0]).toMatchObject({
      type: 'stop_limit',
      stopPrice: 430,
      limitPrice: 431,
    });
  });

  it('a notional market entry without a price needs the reference price', () => {
    const row = parseTradePlan(plan('A,buy,,1000,market,,110,95,day,'), 'plan.csv').rows[0]!;
    expect(() => tradePlanIntents(row)).toThrow('needs a reference price');
    const [intent] = tradePlanIntents(row, { referencePrice: 100 });
    expect(intent!.qty).toBe(10);
    expect(intent!.reason).toContain('notional 1000 sized at the reference price 100');
  });
});

describe('holdingDeadline counts trading days', () => {
  const deadline = (days: number, entry: string, calendar: 'us-equities' | 'crypto' = 'us-equities') =>
    iso(holdingDeadline({ timeLimitDays: days }, utc(entry), calendar));

  it('whole days: the same time on a later trading day, skipping weekends and holidays', () => {
    // Tuesday 10:00 New York (EST) + 2 → Thursday 10:00.
    expect(deadline(2, '2024-03-05T15:00:00Z')).toBe('2024-03-07T15:00:00.000Z');
    // Thursday + 2 → Monday, across the DST change: 10:00 New York is 14:00Z then.
    expect(deadline(2, '2024-03-07T15:00:00Z')).toBe('2024-03-11T14:00:00.000Z');
    // Wednesday before Thanksgiving, 10:00 + 1 → Friday 10:00.
    expect(deadline(1, '2024-11-27T15:00:00Z')).toBe('2024-11-29T15:00:00.000Z');
  });

  it('cut at an early close', () => {
    // Wednesday 14:00 New York + 1 → Friday's 13:00 close.
    expect(deadline(1, '2024-11-27T19:00:00Z')).toBe('2024-11-29T18:00:00.000Z');
  });

  it('half days add half a regular session of open-market time, running into the next session', () => {
    // Monday 10:00 + 0.5 (3h15m) → 13:15.
    expect(deadline(0.5, '2024-03-11T14:00:00Z')).toBe('2024-03-11T17:15:00.000Z');
    // Monday 15:00 + 3.5 → Thursday 15:00 + 3h15m: 1h to the close, then 2h15m into Friday → 11:45.
    expect(deadline(3.5, '2024-03-11T19:00:00Z')).toBe('2024-03-15T15:45:00.000Z');
  });

  it('an entry outside the session counts from the next open', () => {
    expect(deadline(1, '2024-03-09T15:00:00Z')).toBe('2024-03-12T13:30:00.000Z');
  });

  it('crypto days are 24 hours', () => {
    expect(deadline(3.5, '2024-12-24T10:00:00Z', 'crypto')).toBe('2024-12-27T22:00:00.000Z');
  });

  it('refuses a non-positive time limit', () => {
    expect(() => deadline(0, '2024-03-11T14:00:00Z')).toThrow(RangeError);
  });
});
