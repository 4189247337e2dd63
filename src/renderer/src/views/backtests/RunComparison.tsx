// Two saved backtest runs side by side: pick A and B, read their metrics with B's difference, both equity curves on
// one chart, and every setting in which their setups differ.
import { useEffect, useMemo } from 'react';
import type { BacktestSummary } from '../../../../shared/domain/backtest';
import { EquityChart } from '../../components/chart/EquityChart';
import { formatPercent, formatTime } from '../../components/chart/format';
import { useBacktestStore } from '../../stores/context';
import { metricComparisonRows, settingDifferenceRows } from './run-comparison-model';

/** Runs of the same strategy share a name: the start time to the second and the return tell them apart. */
const runLabel = (run: BacktestSummary): string =>
  `${run.name} · ${formatTime(run.createdAt, { seconds: true })} · ${formatPercent(run.metrics?.totalReturn, { signed: true })}`;

function RunPick({
  side,
  value,
  runs,
  onPick,
}: {
  readonly side: 'A' | 'B';
  readonly value: string | null;
  readonly runs: readonly BacktestSummary[];
  readonly onPick: (runId: string | null) => void;
}) {
  const id = `bt-compare-${side.toLowerCase()}`;
  return (
    <div className="bt-compare-pick">
      <label htmlFor={id}>
        <span className={`bt-swatch bt-swatch-${side.toLowerCase()}`} aria-hidden="true" />
        Run {side}
      </label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(e) => onPick(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">Choose a finished run…</option>
        {runs.map((run) => (
          <option key={run.id} value={run.id}>
            {runLabel(run)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function RunComparison() {
  const runs = useBacktestStore((s) => s.runs);
  const compareIds = useBacktestStore((s) => s.compareIds);
  const comparison = useBacktestStore((s) => s.comparison);
  const compareError = useBacktestStore((s) => s.compareError);
  const compare = useBacktestStore((s) => s.compare);
  const finished = useMemo(() => runs.filter((r) => r.status === 'done'), [runs]);
  const { a, b } = compareIds;

  // Opened with nothing picked: the newest run (B) against the one before it (A), so B − A reads as "what changed"
  // (by start time: a pinned run heads the list whatever its age).
  useEffect(() => {
    if (a !== null || b !== null || finished.length < 2) return;
    const [newest, before] = [...finished].sort((x, y) => y.createdAt - x.createdAt);
    void compare(before!.id, newest!.id);
  }, [a, b, finished, compare]);
  // Picks restored from an earlier session load their comparison once the runs are known.
  useEffect(() => {
    if (a !== null && b !== null && comparison === null && compareError === null) void compare(a, b);
  }, [a, b, comparison, compareError, compare]);

  const metrics = useMemo(
    () => (comparison ? metricComparisonRows(comparison.a.metrics, comparison.b.metrics) : []),
    [comparison],
  );
  const settings = useMemo(
    () => (comparison ? settingDifferenceRows(comparison.differences) : []),
    [comparison],
  );
  const curves = useMemo(
    () =>
      comparison && {
        a: {
          time: Float64Array.from(comparison.a.equity.time),
          equity: Float64Array.from(comparison.a.equity.equity),
        },
        b: {
          time: Float64Array.from(comparison.b.equity.time),
          values: Float64Array.from(comparison.b.equity.equity),
          label: 'B',
        },
      },
    [comparison],
  );
  const shown = comparison && comparison.a.id === a && comparison.b.id === b ? comparison : null;

  return (
    <section className="bt-compare" aria-label="Compare two runs" data-testid="backtest-compare">
      <div className="bt-compare-head">
        <RunPick side="A" value={a} runs={finished} onPick={(id) => void compare(id, b)} />
        <RunPick side="B" value={b} runs={finished} onPick={(id) => void compare(a, id)} />
        <button
          type="button"
          className="chip bt-swap"
          onClick={() => void compare(b, a)}
          disabled={a === null && b === null}
          title="Swap run A and run B"
        >
          ⇅ Swap A and B
        </button>
      </div>
      {finished.length < 2 && (
        <p className="muted">Run at least two backtests to compare them side by side.</p>
      )}
      {a !== null && a === b && <p className="muted">Pick two different runs.</p>}
      {compareError && (
        <div className="error-banner" role="alert">
          {compareError}
        </div>
      )}
      {shown && curves && (
        <>
          <div className="bt-compare-top">
            <table className="metrics bt-compare-metrics" aria-label="Metrics of run A and run B">
              <thead>
                <tr>
                  <th />
                  <th title={shown.a.name}>
                    <span className="bt-swatch bt-swatch-a" aria-hidden="true" />A
                  </th>
                  <th title={shown.b.name}>
                    <span className="bt-swatch bt-swatch-b" aria-hidden="true" />B
                  </th>
                  <th>B − A</th>
                </tr>
              </thead>
              <tbody>
                {metrics.map((row) => (
                  <tr key={row.label}>
                    <th scope="row">{row.label}</th>
                    <td title={row.aTitle}>{row.a}</td>
                    <td title={row.bTitle}>{row.b}</td>
                    <td className={row.tone ? `mb-tone-${row.tone}` : 'muted'}>{row.difference}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="bt-compare-equity">
              <EquityChart
                curve={curves.a}
                compare={curves.b}
                label="A"
                showDrawdown={false}
                ariaLabel="Equity curves of run A and run B"
              />
            </div>
          </div>
          <section className="bt-compare-setup" aria-label="Setup differences">
            <h3>Setup differences</h3>
            {settings.length === 0 ? (
              <p className="muted" data-testid="compare-same-setup">
                Same data, strategy, risk and costs: the two runs differ in nothing but when they ran.
              </p>
            ) : (
              <table className="ss-diff bt-compare-diff" aria-label="Settings that differ">
                <thead>
                  <tr>
                    <th>Section</th>
                    <th>Setting</th>
                    <th>Run A</th>
                    <th>Run B</th>
                    <th>Unit</th>
                  </tr>
                </thead>
                <tbody>
                  {settings.map((row) => (
                    <tr key={row.key}>
                      <td className="muted">{row.section}</td>
                      <th scope="row">{row.setting}</th>
                      <td>{row.a}</td>
                      <td>{row.b}</td>
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
