// The files a research run writes (results.csv, folds.csv, oos_equity.csv, report.json), as pure writers into a
// TextSink (report.ts), so they stream to disk row by row and are deterministic: no wall-clock time anywhere.
import type { NumericMetric, PerformanceMetrics } from '../../shared/domain/metrics';
import type { OptimizeResult, ParamValue, WalkForwardResult } from '../../shared/domain/research';
import { iso, num, type TextSink } from './report';

/** The figures each row carries, in this order (every numeric metric; the sample-size flag is in report.json). */
export const CSV_METRICS: readonly NumericMetric[] = [
  'totalReturn',
  'cagr',
  'annualVolatility',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdown',
  'maxDrawdownDuration',
  'maxDrawdownDurationMs',
  'winRate',
  'profitFactor',
  'averageWin',
  'averageLoss',
  'expectancy',
  'largestWin',
  'largestLoss',
  'longestWinStreak',
  'longestLossStreak',
  'recoveryFactor',
  'exposureTime',
  'trades',
  'fees',
  'startEquity',
  'endEquity',
  'periods',
  'periodsPerYear',
];

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A CSV field: numbers in their shortest form, empty for undefined, text quoted when it must be. */
function field(value: ParamValue | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return num(value);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function metricFields(metrics: PerformanceMetrics | null): string[] {
  return CSV_METRICS.map((key) => field(metrics === null ? null : metrics[key]));
}

/** results.csv: one row per evaluated cell, in evaluation order: its parameters, objective, metrics, final equity. */
export function writeResultsCsv(result: OptimizeResult, sink: TextSink): void {
  sink.write(
    `${[
      'cell',
      ...result.parameters,
      'objective',
      'excluded',
      ...CSV_METRICS.map(snake),
      'final_equity',
    ].join(',')}\n`,
  );
  for (const cell of result.cells) {
    sink.write(
      `${[
        String(cell.index),
        ...result.parameters.map((name) => field(cell.params[name])),
        field(cell.objective),
        field(cell.excluded),
        ...metricFields(cell.metrics),
        field(cell.finalEquity),
      ].join(',')}\n`,
    );
  }
}

/** folds.csv: each fold's windows as bar indices (end exclusive), the chosen parameters, in- and out-of-sample figures. */
export function writeFoldsCsv(result: WalkForwardResult, sink: TextSink): void {
  const names = result.stability.map((s) => s.name);
  sink.write(
    `${[
      'fold',
      'train_start',
      'train_end',
      'test_start',
      'test_end',
      ...names,
      ...CSV_METRICS.map((m) => `is_${snake(m)}`),
      ...CSV_METRICS.map((m) => `oos_${snake(m)}`),
      'problem',
    ].join(',')}\n`,
  );
  for (const fold of result.folds) {
    sink.write(
      `${[
        String(fold.fold),
        String(fold.trainStart),
        String(fold.trainEnd),
        String(fold.testStart),
        String(fold.testEnd),
        ...names.map((name) => field(fold.params?.[name])),
        ...metricFields(fold.inSample),
        ...metricFields(fold.outOfSample),
        field(fold.problem),
      ].join(',')}\n`,
    );
  }
}

/** oos_equity.csv: the stitched out-of-sample equity curve. */
export function writeOosEquityCsv(result: WalkForwardResult, sink: TextSink): void {
  sink.write('time,equity\n');
  const { time, equity } = result.oosEquity;
  for (let i = 0; i < time.length; i++) sink.write(`${iso(time[i]!)},${num(equity[i]!)}\n`);
}

/** report.json of an optimisation: the request and the result without the cell table (that is results.csv). */
export function optimizeReportJson(
  result: OptimizeResult,
  request: Readonly<Record<string, unknown>>,
): string {
  const best = result.best === null ? null : result.cells[result.best]!;
  return `${JSON.stringify(
    {
      kind: result.kind,
      request,
      objective: result.objective,
      method: result.method,
      parameters: result.parameters,
      cells: result.cells.length,
      admissible: result.cells.filter((c) => c.excluded === null && c.objective !== null).length,
      best,
      bestParams: result.bestParams,
      data: result.data,
      notes: result.notes,
    },
    null,
    2,
  )}\n`;
}

/** report.json of a walk-forward: efficiency, warnings, stability, OOS figures and every fold (the curve is a CSV). */
export function walkForwardReportJson(
  result: WalkForwardResult,
  request: Readonly<Record<string, unknown>>,
): string {
  const { oosEquity: _curve, ...rest } = result;
  return `${JSON.stringify({ ...rest, request }, null, 2)}\n`;
}
