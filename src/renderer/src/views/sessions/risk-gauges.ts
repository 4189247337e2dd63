// The session's exposure and daily loss against the limits its risk config sets (defaults from the engine's
// schema where the config leaves a field out). Pure: the tests read the numbers without a page.
import type { LimitBasis, PositionRow } from '../../../../shared/domain/session';
import type { JsonSchema } from '../../components/form/schema-model';

export interface RiskGauge {
  readonly id: 'daily-loss' | 'drawdown' | 'exposure';
  readonly label: string;
  /** Current use as a fraction (0.012 = 1.2 %). */
  readonly value: number;
  /** The limit as the same kind of fraction. */
  readonly limit: number;
  /** A level before the limit where something else happens (REDUCING), when configured. */
  readonly warnAt: number | null;
  /** How much of the limit is used, 0…1 (capped), for the bar. */
  readonly used: number;
  readonly tone: 'up' | 'warn' | 'down';
  readonly text: string;
}

const pct = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)}%`;

function configured(
  risk: Readonly<Record<string, unknown>>,
  schema: JsonSchema | undefined,
  key: string,
): number | null {
  const value = risk[key] ?? schema?.properties?.[key]?.default;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function gauge(
  id: RiskGauge['id'],
  label: string,
  value: number,
  limit: number,
  warnAt: number | null,
  text: string,
): RiskGauge {
  const used = limit > 0 ? Math.min(1, Math.max(0, value / limit)) : 0;
  const warnFrom = warnAt !== null && warnAt < limit ? warnAt / limit : 0.5;
  return {
    id,
    label,
    value,
    limit,
    warnAt,
    used,
    tone: used >= 0.8 ? 'down' : used >= warnFrom ? 'warn' : 'up',
    text,
  };
}

/**
 * Measured from what the risk gateway judges against (`limitBasis`; after a reset, the equity at the reset), else
 * from the day's start: daily loss = (day-start equity − equity) / day-start equity against maxDailyLoss
 * (reduceAtDailyLoss marked); drawdown = (peak − equity) / peak against maxDrawdown, when set; exposure =
 * Σ |market value| / equity against maxGrossExposure.
 */
export function riskGauges(
  account: {
    readonly equity: number;
    readonly dayStartEquity: number;
    readonly limitBasis?: LimitBasis | undefined;
    readonly positions: readonly PositionRow[];
  },
  risk: Readonly<Record<string, unknown>>,
  schema: JsonSchema | undefined,
): RiskGauge[] {
  const gauges: RiskGauge[] = [];
  const dayStart = account.limitBasis?.dayStartEquity ?? account.dayStartEquity;
  const maxDailyLoss = configured(risk, schema, 'maxDailyLoss');
  if (maxDailyLoss !== null && dayStart > 0) {
    const loss = Math.max(0, 1 - account.equity / dayStart);
    const reduceAt = configured(risk, schema, 'reduceAtDailyLoss');
    gauges.push(
      gauge(
        'daily-loss',
        'Daily loss',
        loss,
        maxDailyLoss,
        reduceAt,
        `${pct(loss)} of the ${pct(maxDailyLoss, 0)} limit${reduceAt !== null ? ` (reducing from ${pct(reduceAt, 0)})` : ''}`,
      ),
    );
  }
  const maxDrawdown = configured(risk, schema, 'maxDrawdown');
  const peak = account.limitBasis?.peakEquity ?? 0;
  if (maxDrawdown !== null && peak > 0) {
    const drawdown = Math.max(0, 1 - account.equity / peak);
    gauges.push(
      gauge(
        'drawdown',
        'Drawdown',
        drawdown,
        maxDrawdown,
        null,
        `${pct(drawdown)} of the ${pct(maxDrawdown, 0)} limit`,
      ),
    );
  }
  const maxExposure = configured(risk, schema, 'maxGrossExposure');
  if (maxExposure !== null && account.equity > 0) {
    const gross = account.positions.reduce((sum, p) => sum + Math.abs(p.marketValue), 0) / account.equity;
    gauges.push(
      gauge(
        'exposure',
        'Exposure',
        gross,
        maxExposure,
        null,
        `${pct(gross, 1)} of the ${pct(maxExposure, 0)} cap`,
      ),
    );
  }
  return gauges;
}
