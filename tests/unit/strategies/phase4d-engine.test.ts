// Phase 4D through the real OptionsEngine, simulator venue and synthetic quotes: a week of 5-minute SPY bars.
import { describe, expect, test } from 'vitest';
import { EventCollector } from '../../../src/main/engine/events';
import { sequentialIds } from '../../../src/main/engine/ids';
import { OptionsEngine } from '../../../src/main/engine/option-engine';
import { optionSimVenue } from '../../../src/main/engine/option-sim-venue';
import { tradeList } from '../../../src/main/engine/trade-table';
import { priceFromBars, syntheticOptionQuotes } from '../../../src/main/feeds/synthetic-options';
import { parseVixHistory } from '../../../src/main/feeds/vix-history';
import { newYorkWallToUtc } from '../../../src/main/market/new-york-time';
import { dayFromIsoDate } from '../../../src/main/market/nyse-holidays';
import {
  createPhase4d,
  Phase4dParamsSchema,
  phase4dSessionClock,
  phase4dSettings,
} from '../../../src/main/strategies/phase4d';
import type { BarSeries } from '../../../src/shared/domain/bars';

const MINUTE = 60_000;
const ny = (date: string, hh: number, mm: number) =>
  newYorkWallToUtc(dayFromIsoDate(date), (hh * 60 + mm) * MINUTE);

/** SPY at `price(date, minutes after the open)` on each 5-minute bar; the first bar of a day spans ±1. */
function week(price: (date: string, minute: number) => number): BarSeries {
  const time: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  for (const date of ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08']) {
    for (let m = 0; m < 390; m += 5) {
      const p = price(date, m);
      time.push(ny(date, 9, 30) + m * MINUTE);
      open.push(p);
      high.push(m === 0 ? p + 1 : p);
      low.push(m === 0 ? p - 1 : p);
      close.push(p);
    }
  }
  const f = (v: number[]) => Float64Array.from(v);
  return {
    symbol: 'SPY',
    timeframe: '5m',
    time: f(time),
    open: f(open),
    high: f(high),
    low: f(low),
    close: f(close),
    volume: new Float64Array(time.length),
    length: time.length,
  };
}

describe('Phase 4D on the OptionsEngine', () => {
  test('a week: warm-up, a day held to the close, a profit target, a moderate-range skip, a high-VIX skip', () => {
    // Wednesday falls from 510 to 504 at the bar closing 10:30 (its range 511 − 504 = 7 skips Thursday); Thursday's
    // VIX close of 30 skips Friday.
    const bars = week((date, m) => (date === '2024-03-06' && m >= 55 ? 504 : 510));
    const vix = parseVixHistory(
      [
        'DATE,OPEN,HIGH,LOW,CLOSE',
        '03/04/2024,1,1,1,15',
        '03/05/2024,1,1,1,15',
        '03/06/2024,1,1,1,15',
        '03/07/2024,1,1,1,30',
        '03/08/2024,1,1,1,15',
      ].join('\n'),
      'VIX_History.csv',
    );
    const params = Phase4dParamsSchema.parse({ preset: '2k' });
    const settings = phase4dSettings(params);
    const quoteConfig = {
      underlying: 'SPY',
      volatility: vix,
      underlyingPrice: priceFromBars(bars),
      rate: settings.rate,
      spread: settings.spread,
      strikeRange: settings.strikeRange,
    };
    const sink = new EventCollector();
    const engine = new OptionsEngine(
      {
        underlying: bars,
        strategy: createPhase4d(params, { volatility: vix, symbol: 'SPY' }),
        quotes: syntheticOptionQuotes(quoteConfig),
        sessionOf: phase4dSessionClock,
        cash: 2000,
        ids: sequentialIds('p4d'),
        sink,
        limits: { maxDailyLoss: settings.maxDailyLoss },
        timeframeMs: 5 * MINUTE,
      },
      optionSimVenue({ slippage: settings.slippage, commissionPerContract: settings.commissionPerContract }),
    );
    engine.run();

    expect(engine.decisions.map((d) => [d.day, d.decision, d.reason])).toEqual([
      ['2024-03-05', 'traded', undefined],
      ['2024-03-06', 'traded', undefined],
      ['2024-03-07', 'skipped', 'moderate_volatility'],
      ['2024-03-08', 'skipped', 'high_vix'],
    ]);
    expect(engine.decisions[2]?.inputs).toEqual({ vixClose: 15, previousRange: 7 });
    expect(engine.decisions[3]?.inputs).toEqual({ vixClose: 30, previousRange: 2 });

    // SPY 510 + 0.5 buffer = 510.5, a tie between 510 and 511: the 511 put of the day.
    const trades = tradeList(sink.trades.table());
    expect(trades.map((t) => [t.symbol, t.qty, t.entryTime, t.exitTime, t.exitReason])).toEqual([
      ['SPY240305P00511000', 2, ny('2024-03-05', 10, 5), ny('2024-03-05', 15, 50), 'end_of_day'],
      ['SPY240306P00511000', 2, ny('2024-03-06', 10, 5), ny('2024-03-06', 10, 30), 'profit_target'],
    ]);
    // Fills at the model's quote of the moment: ask × 1.005 in, bid × 0.995 out; $0.65 × 2 contracts each side.
    const model = syntheticOptionQuotes(quoteConfig);
    const at = (symbol: string, time: number, spot: number) => model.quote(symbol, time, spot)!;
    const tuesdayIn = at('SPY240305P00511000', ny('2024-03-05', 10, 5), 510).ask * 1.005;
    const tuesdayOut = at('SPY240305P00511000', ny('2024-03-05', 15, 50), 510).bid * 0.995;
    const wednesdayIn = at('SPY240306P00511000', ny('2024-03-06', 10, 5), 510).ask * 1.005;
    const wednesdayOut = at('SPY240306P00511000', ny('2024-03-06', 10, 30), 504).bid * 0.995;
    expect(trades[0]?.entryPrice).toBeCloseTo(tuesdayIn, 10);
    expect(trades[0]?.exitPrice).toBeCloseTo(tuesdayOut, 10);
    expect(trades[0]?.fees).toBeCloseTo(2.6, 10);
    expect(trades[0]?.pnl).toBeCloseTo((tuesdayOut - tuesdayIn) * 200 - 2.6, 8);
    expect(trades[1]?.entryPrice).toBeCloseTo(wednesdayIn, 10);
    expect(trades[1]?.exitPrice).toBeCloseTo(wednesdayOut, 10);
    // Held flat all day the put lost its time value (less than the $200 limit); the fall paid well over 50%.
    expect(trades[0]?.pnl).toBeLessThan(0);
    expect(trades[0]?.pnl).toBeGreaterThan(-200);
    expect(trades[1]?.pnl).toBeGreaterThan(0.5 * (wednesdayIn * 200 + 1.3));
    expect(engine.holdings()).toEqual([]);
    expect(sink.denials).toEqual([]);
  });
});
