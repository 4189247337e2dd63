import { describe, expect, test } from 'vitest';
import type { JsonSchema } from '../../../src/renderer/src/components/form/schema-model';
import { riskGauges } from '../../../src/renderer/src/views/sessions/risk-gauges';
import type { PositionRow } from '../../../src/shared/domain/session';

const schema = {
  type: 'object',
  properties: {
    maxDailyLoss: { type: 'number', default: 0.05 },
    maxGrossExposure: { type: 'number', default: 1 },
  },
} as JsonSchema;
const position = (symbol: string, marketValue: number): PositionRow => ({
  symbol,
  qty: 1,
  avgPrice: 1,
  lastPrice: 1,
  marketValue,
  unrealizedPnl: 0,
  realizedPnl: 0,
});

describe('risk gauges', () => {
  test('after a reset they measure from what the gateway now judges against, not from the day’s start', () => {
    // The day started at 100,000; the halt came at 94,000 and the user reset there: the gateway's day loss and
    // drawdown now start from 94,000, so 93,060 is 1% of the 5% limit (not 6.94%, which would read as tripped).
    const [loss, drawdown] = riskGauges(
      {
        equity: 93_060,
        dayStartEquity: 100_000,
        limitBasis: { dayStartEquity: 94_000, peakEquity: 94_000 },
        positions: [],
      },
      { maxDrawdown: 0.1 },
      schema,
    );
    expect(loss).toMatchObject({ id: 'daily-loss', text: '1.00% of the 5% limit', tone: 'up' });
    expect(drawdown).toMatchObject({ id: 'drawdown', text: '1.00% of the 10% limit' });
  });

  test('daily loss and exposure against the schema defaults, worked by hand', () => {
    // Day started at 100,000, now 98,800: 1.2 % of a 5 % limit (24 % used). Long 40,000 and short 20,000 on 98,800:
    // gross 60,000 / 98,800 = 60.7 % of a 100 % cap.
    const [loss, exposure] = riskGauges(
      {
        equity: 98_800,
        dayStartEquity: 100_000,
        positions: [position('ACME', 40_000), position('BOLT', -20_000)],
      },
      {},
      schema,
    );
    expect(loss).toMatchObject({ id: 'daily-loss', limit: 0.05, tone: 'up', text: '1.20% of the 5% limit' });
    expect(loss!.value).toBeCloseTo(0.012, 12);
    expect(loss!.used).toBeCloseTo(0.24, 12);
    expect(exposure).toMatchObject({ id: 'exposure', limit: 1, tone: 'warn', text: '60.7% of the 100% cap' });
    expect(exposure!.value).toBeCloseTo(60_000 / 98_800, 12);
  });

  test("the session's own limits win; the reducing level is marked and turns the bar amber; past 80 % it is red", () => {
    const [loss] = riskGauges(
      { equity: 97_500, dayStartEquity: 100_000, positions: [] },
      { maxDailyLoss: 0.04, reduceAtDailyLoss: 0.02 },
      schema,
    );
    expect(loss).toMatchObject({
      limit: 0.04,
      warnAt: 0.02,
      tone: 'warn',
      text: '2.50% of the 4% limit (reducing from 2%)',
    });
    const [over] = riskGauges(
      { equity: 96_000, dayStartEquity: 100_000, positions: [] },
      { maxDailyLoss: 0.04 },
      schema,
    );
    expect(over).toMatchObject({ used: 1, tone: 'down' });
  });

  test('a gain is no loss, and nothing is drawn without a limit or equity', () => {
    const [loss] = riskGauges({ equity: 101_000, dayStartEquity: 100_000, positions: [] }, {}, schema);
    expect(loss!.value).toBe(0);
    expect(riskGauges({ equity: 0, dayStartEquity: 0, positions: [] }, {}, undefined)).toEqual([]);
  });
});
