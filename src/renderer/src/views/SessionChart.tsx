// The session's live chart: candles of one symbol with the strategy's indicator lines, a marker per fill and a
// line per working order. A snapshot load sets the data; each bar push then updates the chart in place.
import { useEffect, useMemo, useRef, useState } from 'react';
import { barAt } from '../../../shared/domain/bars';
import type { SessionSnapshot } from '../../../shared/domain/session';
import { CandleChart, type CandleChartHandle } from '../components/chart/CandleChart';
import { formatPrice, formatTime } from '../components/chart/format';
import { useSessionStore } from '../stores/session-store';
import { fillMarkers, lineKeys, orderLevels, seriesColumns, seriesIndicators } from './session-chart-model';

export function SessionChart({ snapshot }: { snapshot: SessionSnapshot }) {
  const symbols = snapshot.session.symbols;
  const [symbol, setSymbol] = useState(symbols[0] ?? '');
  const chosen = symbols.includes(symbol) ? symbol : (symbols[0] ?? '');
  const lastBars = useSessionStore((s) => s.lastBars);
  const chartBars = useSessionStore((s) => s.chartBars);
  const chartRef = useRef<CandleChartHandle>(null);

  // The data set: the bars so far when the snapshot loads or the symbol changes (the store's series grows in
  // place; its identity changes only with a new load). Live bars go through the ref.
  const series = chartBars[chosen];
  const candles = useMemo(() => seriesColumns(series), [series]);
  const indicators = useMemo(() => seriesIndicators(series), [series]);
  const markers = useMemo(() => fillMarkers(snapshot.fills, chosen), [snapshot.fills, chosen]);
  const levels = useMemo(() => orderLevels(snapshot.orders, chosen), [snapshot.orders, chosen]);

  useEffect(() => {
    if (!series) return;
    const keys = lineKeys(series);
    // Every bar the series gained since the chart's newest, in order (a frame's pushes may bring several), and the
    // newest again (it may have been updated in place).
    let sentTime = series.time.length > 0 ? series.time[series.time.length - 1]! : Number.NEGATIVE_INFINITY;
    return useSessionStore.subscribe((state, previous) => {
      if (state.lastBars[chosen] === previous.lastBars[chosen]) return;
      const chart = chartRef.current;
      const n = series.time.length;
      if (!chart || n === 0) return;
      let i = n - 1;
      while (i > 0 && series.time[i - 1]! >= sentTime) i--;
      for (; i < n; i++) {
        const bar = barAt(series, i);
        if (!chart.updateBar(bar)) continue;
        keys.forEach(({ id, name }, k) => {
          chart.updateIndicatorPoint(id, name, bar.time, series.lines[k]?.[i] ?? Number.NaN);
        });
      }
      sentTime = series.time[n - 1]!;
    });
  }, [chosen, series]);

  return (
    <div className="ss-chart">
      <div className="bt-chart-head">
        {symbols.map((s) => (
          <button
            key={s}
            type="button"
            className={s === chosen ? 'chip active' : 'chip'}
            onClick={() => setSymbol(s)}
            aria-pressed={s === chosen}
          >
            {s} <span className="mb-num">{formatPrice(lastBars[s]?.close)}</span>
          </button>
        ))}
        <span className="spacer" />
        <span className="muted small mb-num">
          {lastBars[chosen] ? `Last bar ${formatTime(lastBars[chosen].time, { utc: true })} UTC` : ''}
        </span>
      </div>
      <div className="ss-candles">
        <CandleChart
          ref={chartRef}
          bars={candles}
          indicators={indicators}
          markers={markers}
          priceLines={levels}
          label={`${chosen} live chart`}
          utc
          emptyText={snapshot.runId ? 'Waiting for the first bar…' : 'Start the session to see its market.'}
        />
      </div>
    </div>
  );
}
