// Two to four saved backtest runs side by side: ticked in the run list, each run's metrics with the others'
// difference from the first (A), every curve on one chart, and every setting in which their setups differ.
import { useEffect, useMemo, useRef } from 'react';
import {
  type BacktestSummary,
  type ComparedRun,
  MAX_COMPARED_RUNS,
  MIN_COMPARED_RUNS,
} from '../../../../shared/domain/backtest';
import { EquityChart, type EquityComparison } from '../../components/chart/EquityChart';
import { formatPercent, formatTime } from '../../components/chart/format';
import { useBacktestStore } from '../../stores/context';
import { metricComparisonTable, runLetter, settingDifferenceRows } from './run-comparison-model';

/** Each compared run's colour, by position: A and B as the theme draws a curve and its comparison; C and D fixed
 * hues that read on both themes. */
export const RUN_COLOURS = ['var(--accent)', 'var(--warn)', '#b388ff', '#4dd0e1'] as const;
/** The chart's colour of run i (B takes the chart theme's comparison colour). */
const chartColour = (i: number): string | undefined => (i >= 2 ? RUN_COLOURS[i] : undefined);

/** Runs of the same strategy share a name: the start time to the second and the return tell them apart. */
export const runLabel = (run: Pick<BacktestSummary, 'name' | 'createdAt' | 'metrics'>): string =>
  `${run.name} · ${formatTime(run.createdAt, { seconds: true })} · ${formatPercent(run.metrics?.totalReturn, { signed: true })}`;

function Swatch({ index }: { readonly index: number }) {
  return <span className="bt-swatch" style={{ background: RUN_COLOURS[index] }} aria-hidden="true" />;
}

/** "run A and run B", "runs A, B and C". */
function runsInWords(count: number): string {
  const letters = Array.from({ length: count }, (_, i) => runLetter(i));
  if (count === 2) return `run ${letters[0]} and run ${letters[1]}`;
  return `runs ${letters.slice(0, -1).join(', ')} and ${letters.at(-1)}`;
}

export function RunComparison() {
  const runs = useBacktestStore((s) => s.runs);
  const compareIds = useBacktestStore((s) => s.compareIds);
  const comparison = useBacktestStore((s) => s.comparison);
  const compareError = useBacktestStore((s) => s.compareError);
  const compareNotice = useBacktestStore((s) => s.compareNotice);
  const compare = useBacktestStore((s) => s.compare);
  const toggleCompare = useBacktestStore((s) => s.toggleCompare);
  const finished = useMemo(() => runs.filter((r) => r.status === 'done'), [runs]);

  // Opened with nothing ticked: the newest run (B) against the one before it (A), so B − A reads as "what changed"
  // (by start time: a pinned run heads the list whatever its age). Only on opening: runs the user unticks stay so.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || finished.length < 2) return;
    opened.current = true;
    if (compareIds.length > 0) return;
    const [newest, before] = [...finished].sort((x, y) => y.createdAt - x.createdAt);
    void compare([before!.id, newest!.id]);
  }, [compareIds, finished, compare]);
  // Ticks restored from an earlier session load their comparison once the runs are known.
  useEffect(() => {
    if (compareIds.length >= MIN_COMPARED_RUNS && comparison === null && compareError === null)
      void compare(compareIds);
  }, [compareIds, comparison, compareError, compare]);

  const shown =
    comparison && comparison.runs.map((r) => r.id).join('|') === compareIds.join('|') ? comparison : null;
  const metrics = useMemo(
    () => (shown ? metricComparisonTable(shown.runs.map((r) => r.metrics)) : []),
    [shown],
  );
  const settings = useMemo(() => (shown ? settingDifferenceRows(shown.differences) : []), [shown]);
  const curves = useMemo(() => {
    if (!shown) return null;
    const [first, ...others] = shown.runs;
    return {
      first: { time: Float64Array.from(first!.equity.time), equity: Float64Array.from(first!.equity.equity) },
      others: others.map(
        (run, i): EquityComparison => ({
          time: Float64Array.from(run.equity.time),
          values: Float64Array.from(run.equity.equity),
          label: runLetter(i + 1),
          ...(chartColour(i + 1) !== undefined && { color: chartColour(i + 1) }),
        }),
      ),
    };
  }, [shown]);
  const byId = useMemo(() => new Map(runs.map((r) => [r.id, r])), [runs]);
  const count = shown?.runs.length ?? 0;
  const letters = Array.from({ length: count }, (_, i) => runLetter(i));

  return (
    <section className="bt-compare" aria-label="Compare runs" data-testid="backtest-compare">
      <div className="bt-compare-head">
        <p className="muted small">
          Tick up to {MAX_COMPARED_RUNS} finished runs in the list. The first ticked is A: the others are
          measured against it.
        </p>
        <ol className="bt-compare-picked" aria-label="Runs compared">
          {compareIds.map((id, i) => {
            const run = byId.get(id);
            return (
              <li key={id} className="bt-compare-pick" data-testid="compare-pick">
                <Swatch index={i} />
                <strong>{runLetter(i)}</strong>
                <span className="bt-compare-name" title={run ? runLabel(run) : id}>
                  {run ? runLabel(run) : id}
                </span>
                {i > 0 && (
                  <button
                    type="button"
                    className="chip"
                    title="Measure the other runs against this one"
                    onClick={() => void compare([id, ...compareIds.filter((other) => other !== id)])}
                  >
                    Make A
                  </button>
                )}
                <button
                  type="button"
                  className="chip"
                  aria-label={`Remove run ${runLetter(i)} from the comparison`}
                  onClick={() => void toggleCompare(id)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ol>
      </div>
      {compareNotice && (
        <div className="error-banner" role="alert" data-testid="compare-notice">
          {compareNotice}
        </div>
      )}
      {finished.length < 2 && (
        <p className="muted">Run at least two backtests to compare them side by side.</p>
      )}
      {finished.length >= 2 && compareIds.length === 1 && (
        <p className="muted">Tick at least one more run to compare.</p>
      )}
      {compareError && (
        <div className="error-banner" role="alert">
          {compareError}
        </div>
      )}
      {shown && curves && (
        <>
          <div className="bt-compare-top">
            <div className="bt-compare-metrics-scroll">
              <table className="metrics bt-compare-metrics" aria-label={`Metrics of ${runsInWords(count)}`}>
                <thead>
                  <tr>
                    <th />
                    {shown.runs.map((run: ComparedRun, i) => (
                      <th key={run.id} title={run.name}>
                        <Swatch index={i} />
                        {letters[i]}
                      </th>
                    ))}
                    {letters.slice(1).map((letter) => (
                      <th key={letter} className="bt-compare-diff-head">
                        {letter} − A
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {metrics.map((row) => (
                    <tr key={row.label}>
                      <th scope="row">{row.label}</th>
                      {row.values.map((value, i) => (
                        <td key={letters[i]} title={value.title}>
                          {value.text}
                        </td>
                      ))}
                      {row.differences.map((difference, i) => (
                        <td
                          key={`${letters[i + 1]}-A`}
                          className={
                            difference.tone
                              ? `bt-compare-diff mb-tone-${difference.tone}`
                              : 'bt-compare-diff muted'
                          }
                        >
                          {difference.text}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="bt-compare-equity">
              <EquityChart
                curve={curves.first}
                compare={curves.others}
                label="A"
                showDrawdown={false}
                ariaLabel={`Equity curves of ${runsInWords(count)}`}
              />
            </div>
          </div>
          <section className="bt-compare-setup" aria-label="Setup differences">
            <h3>Setup differences</h3>
            {settings.length === 0 ? (
              <p className="muted" data-testid="compare-same-setup">
                Same data, strategy, risk and costs: the runs differ in nothing but when they ran.
              </p>
            ) : (
              <table className="ss-diff bt-compare-diff-table" aria-label="Settings that differ">
                <thead>
                  <tr>
                    <th>Section</th>
                    <th>Setting</th>
                    {letters.map((letter) => (
                      <th key={letter}>Run {letter}</th>
                    ))}
                    <th>Unit</th>
                  </tr>
                </thead>
                <tbody>
                  {settings.map((row) => (
                    <tr key={row.key}>
                      <td className="muted">{row.section}</td>
                      <th scope="row">{row.setting}</th>
                      {row.values.map((value, i) => (
                        <td key={letters[i]}>{value}</td>
                      ))}
                      <td className="muted">{row.unit}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}
