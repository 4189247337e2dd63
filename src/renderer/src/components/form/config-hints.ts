// Units shown beside the risk and fills-and-costs fields, wherever a config form is drawn from their schemas.

export const RISK_HINTS = {
  riskPerTrade: { unit: 'of equity (0.02 = 2%)' },
  stopLoss: { unit: 'fraction (0.05 = 5%)' },
  takeProfit: { unit: 'fraction (0.1 = 10%)' },
  trailingStop: { unit: 'fraction' },
  maxDailyLoss: { unit: 'of day-start equity' },
  reduceAtDailyLoss: { unit: 'of day-start equity' },
  maxDrawdown: { unit: 'from the peak' },
  maxGrossExposure: { unit: '× equity' },
  maxLossPerTrade: { unit: '$' },
  maxPositionFraction: { unit: 'of equity' },
} as const;

export const VENUE_HINTS = {
  slippageBps: { unit: 'bps' },
  commissionPerShare: { unit: '$ / share' },
  commissionPerOrder: { unit: '$' },
  commissionPercent: { unit: '% of notional' },
  latencyBars: { unit: 'bars' },
} as const;
