// What a search maximises and which cells may win: the objective's value of a cell from its metrics, the
// minimum-trades and constraint filters (the reason a cell is excluded, in words), and the choice of the best cell.
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type { Constraint, ConstraintMetric, Objective } from '../../shared/domain/research';
import { num } from './report';

/** The figure a search maximises; null when it is undefined for this run (no trades, no drawdown, no volatility …). */
export function objectiveValue(metrics: PerformanceMetrics, objective: Objective): number | null {
  if (objective === 'returnOverDrawdown') {
    // A run that never fell below a peak has no ratio (it would be infinite), like calmar and recoveryFactor.
    if (metrics.totalReturn === null || !(metrics.maxDrawdown > 0)) return null;
    return metrics.totalReturn / metrics.maxDrawdown;
  }
  const value = metrics[objective];
  return value === null || !Number.isFinite(value) ? null : value;
}

function metricValue(metrics: PerformanceMetrics, metric: ConstraintMetric): number | null {
  if (
    metric === 'maxDrawdown' ||
    metric === 'trades' ||
    metric === 'exposureTime' ||
    metric === 'annualVolatility'
  ) {
    return metrics[metric];
  }
  return objectiveValue(metrics, metric);
}

export interface CellFilters {
  readonly minTrades: number;
  readonly constraints: readonly Constraint[];
}

/** Why a cell can never be best, in words; null when it can. */
export function exclusionOf(metrics: PerformanceMetrics, filters: CellFilters): string | null {
  if (metrics.trades < filters.minTrades) {
    return `${metrics.trades} trade${metrics.trades === 1 ? '' : 's'}, fewer than the minimum ${filters.minTrades}`;
  }
  const broken: string[] = [];
  for (const { metric, op, value } of filters.constraints) {
    const actual = metricValue(metrics, metric);
    if (actual === null) broken.push(`${metric} is undefined (the constraint needs ${op} ${num(value)})`);
    else if (op === '>=' && !(actual >= value))
      broken.push(`${metric} ${num(actual)} is below ${num(value)}`);
    else if (op === '<=' && !(actual <= value))
      broken.push(`${metric} ${num(actual)} is above ${num(value)}`);
  }
  return broken.length > 0 ? broken.join('; ') : null;
}

/** Index of the best admissible cell (not excluded, objective defined): the highest objective, ties to the lower index. */
export function bestCellIndex(
  cells: readonly { readonly objective: number | null; readonly excluded: string | null }[],
): number | null {
  let best: number | null = null;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (cell.excluded !== null || cell.objective === null) continue;
    if (best === null || cell.objective > cells[best]!.objective!) best = i;
  }
  return best;
}
