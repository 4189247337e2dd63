// The session's live chart: candles of one symbol with the strategy's indicator lines, a marker per fill and a
// line per working order. A snapshot load sets the data; each bar push then updates the chart in place. A coarser
// timeframe asks main for the run's bars aggregated, then folds each live bar into the newest coarse one.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type Bar, barAt, TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../../../shared/domain/bars';
import type { SessionChartBars, SessionSnapshot } from '../../../../shared/domain/session';
import { useApi } from '../../api/context';
import { CandleChart, type CandleChartHandle, type ChartFocus } from '../../components/chart/CandleChart';
import { formatPrice, formatTime } from '../../components/chart/format';
import { IndicatorPicker, useChartIndicators } from '../../components/chart/IndicatorPicker';
import { alignIndicatorLines, useUserIndicatorLines } from '../../components/chart/user-indicators';
import { onPageKeys } from '../../shortcuts/shortcuts';
import { useSessionStore, useStores, useWorkspaceStore } from '../../stores/context';
import { ChartViewToggles } from './ChartViewToggles';
import { PriceLinesBar, useSessionPriceLines } from './PriceLinesBar';
import {
  fillMarkers,
  foldBar,
  lineKeys,
  orderLevels,
  seriesColumns,
  seriesIndicators,
} from './session-chart-model';

export function SessionChart({
  snapshot,
  focus = null,
  onMarkerHover,
}: {
  snapshot: SessionSnapshot;
  /** A fill's or order's trade to scroll to (on its own symbol's chart) and emphasise. */
  focus?: { readonly symbol: string; readonly focus: ChartFocus } | null;
  /** Hovering a fill's marker: its execution id, or null. */
  onMarkerHover?: (executionId: string | null) => void;
}) {
  const api = useApi();
  const { sessions: sessionStore, workspace: workspaceStore } = useStores();
  const symbols = snapshot.session.symbols;
  const sessionId = snapshot.session.id;
  const own = snapshot.session.timeframe;
  const [symbol, setSymbol] = useState(symbols[0] ?? '');
  const [picked, setPicked] = useState<Timeframe | null>(null);
  const timeframe = picked !== null && picked !== own ? picked : null;
  const chosen = symbols.includes(symbol) ? symbol : (symbols[0] ?? '');
  const lastBars = useSessionStore((s) => s.lastBars);
  const chartBars = useSessionStore((s) => s.chartBars);
  const chartRef = useRef<CandleChartHandle>(null);
  const [coarse, setCoarse] = useState<SessionChartBars | null>(null);
  const [coarseError, setCoarseError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const followLive = useWorkspaceStore((s) => s.panels['chart-follow-off'] !== true);
  // A trade picked in a table on another symbol brings that symbol's chart.
  useEffect(() => {
    if (focus) setSymbol(focus.symbol);
  }, [focus]);

  // A coarser timeframe: the run's bars aggregated in main (again when a live bar opens a new coarse bar).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` and the run id ask for the bars again
  useEffect(() => {
    setCoarseError(null);
    if (timeframe === null) return setCoarse(null);
    let current = true;
    void api.call('session:bars', { sessionId, symbol: chosen, timeframe }).then((result) => {
      if (!current) return;
      if (result.ok) setCoarse(result.value);
      else setCoarseError(result.error.message);
    });
    return () => {
      current = false;
    };
  }, [api, sessionId, chosen, timeframe, reload, snapshot.runId]);

  // The data set: the bars so far when the snapshot loads or the symbol changes (the store's series grows in
  // place; its identity changes only with a new load). Live bars go through the ref.
  const series = chartBars[chosen];
  // Copied again when the chart comes back to the run's own timeframe: the bars that arrived meanwhile are in it.
  const ownCandles = useMemo(() => (timeframe === null ? seriesColumns(series) : null), [series, timeframe]);
  const ownIndicators = useMemo(() => seriesIndicators(series), [series]);
  const candles = timeframe === null ? ownCandles : coarse;
  const indicators = timeframe === null ? ownIndicators : (coarse?.indicators ?? []);
  const markers = useMemo(() => fillMarkers(snapshot.fills, chosen), [snapshot.fills, chosen]);

  // The trader's own indicators: computed in main over the chart's bars, asked again while
  // bars arrive (twice a second at most); points newer than the chart's data set go in as live points.
  const userIndicators = useChartIndicators('session');
  const [barTick, setBarTick] = useState(0);
  useEffect(() => {
    if (userIndicators.length === 0) return;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bump = () => {
      timer = undefined;
      last = Date.now();
      setBarTick((k) => k + 1);
    };
    const off = sessionStore.subscribe((state, previous) => {
      if (state.lastBars[chosen] === previous.lastBars[chosen] || timer !== undefined) return;
      timer = setTimeout(bump, Math.max(0, 500 - (Date.now() - last)));
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [sessionStore, chosen, userIndicators.length]);
  const userChart = useMemo(
    () =>
      snapshot.runId === null
        ? null
        : { kind: 'session' as const, sessionId, symbol: chosen, ...(timeframe !== null && { timeframe }) },
    [snapshot.runId, sessionId, chosen, timeframe],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new object whenever bars arrived or were reloaded
  const refresh = useMemo(() => ({}), [barTick, series, coarse]);
  const user = useUserIndicatorLines(userChart, userIndicators, refresh);
  const userLinesOnBars = useMemo(
    () => (user.lines && candles ? alignIndicatorLines(user.lines, candles) : []),
    [user.lines, candles],
  );
  const allIndicators = useMemo(
    () => (userLinesOnBars.length === 0 ? indicators : [...indicators, ...userLinesOnBars]),
    [indicators, userLinesOnBars],
  );
  useEffect(() => {
    const chart = chartRef.current;
    const lines = user.lines;
    if (!chart || !lines || !candles) return;
    const newest = candles.length > 0 ? candles.time[candles.length - 1]! : Number.NEGATIVE_INFINITY;
    for (let k = 0; k < lines.time.length; k++) {
      const time = lines.time[k]!;
      if (time <= newest) continue;
      for (const set of lines.indicators)
        for (const line of set.lines) chart.updateIndicatorPoint(set.id, line.name, time, line.values[k]!);
    }
  }, [user.lines, candles]);

  // The trader's price lines: placed with the tool (a click on the chart), dragged, edited in the bar below.
  const priceLines = useSessionPriceLines(sessionId);
  const priceLinesRef = useRef(priceLines);
  priceLinesRef.current = priceLines;
  const [placing, setPlacing] = useState(false);
  const userLines = useMemo(
    () =>
      priceLines.lines
        .filter((l) => l.symbol === chosen)
        .map(({ id, price, alert }) => ({ id, price, alert })),
    [priceLines.lines, chosen],
  );
  const placeLine = useCallback(
    (price: number) => {
      priceLinesRef.current.add(chosen, price);
      setPlacing(false);
    },
    [chosen],
  );
  const moveLine = useCallback(
    (id: number, price: number) => priceLinesRef.current.update(id, { price }),
    [],
  );
  useEffect(() => {
    if (!placing) return;
    const cancel = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setPlacing(false);
    };
    window.addEventListener('keydown', cancel);
    return () => window.removeEventListener('keydown', cancel);
  }, [placing]);
  const levels = useMemo(() => orderLevels(snapshot.orders, chosen), [snapshot.orders, chosen]);

  useEffect(() => {
    if (!series) return;
    if (timeframe !== null && coarse === null) return;
    const keys = lineKeys(series);
    // Every bar the series gained since the chart's newest, in order (a frame's pushes may bring several), and the
    // newest again (it may have been updated in place).
    let sentTime =
      timeframe !== null
        ? (coarse?.through ?? Number.NEGATIVE_INFINITY)
        : series.time.length > 0
          ? series.time[series.time.length - 1]!
          : Number.NEGATIVE_INFINITY;
    let bucket: Bar | null =
      timeframe !== null && coarse !== null && coarse.length > 0 ? barAt(coarse, coarse.length - 1) : null;
    return sessionStore.subscribe((state, previous) => {
      if (state.lastBars[chosen] === previous.lastBars[chosen]) return;
      const chart = chartRef.current;
      const n = series.time.length;
      if (!chart || n === 0) return;
      let i = n - 1;
      while (i > 0 && series.time[i - 1]! >= sentTime) i--;
      for (; i < n; i++) {
        const fine = barAt(series, i);
        if (timeframe !== null) {
          if (fine.time <= sentTime) continue; // already in the coarse bars main sent
          const folded = bucket ? foldBar(bucket, fine, TIMEFRAME_MS[timeframe]) : null;
          if (folded === null) {
            setReload((k) => k + 1); // a new coarse bar: main knows where it starts
            return;
          }
          bucket = folded;
          sentTime = fine.time;
          chart.updateBar(folded);
          keys.forEach(({ id, name }, k) => {
            chart.updateIndicatorPoint(id, name, folded.time, series.lines[k]?.[i] ?? Number.NaN);
          });
          continue;
        }
        if (!chart.updateBar(fine)) continue;
        keys.forEach(({ id, name }, k) => {
          chart.updateIndicatorPoint(id, name, fine.time, series.lines[k]?.[i] ?? Number.NaN);
        });
      }
      if (timeframe === null) sentTime = series.time[n - 1]!;
    });
  }, [sessionStore, chosen, series, timeframe, coarse]);

  const timeframes = useMemo(() => TIMEFRAMES.filter((t) => TIMEFRAME_MS[t] >= TIMEFRAME_MS[own]), [own]);
  const setPanel = useWorkspaceStore((s) => s.setPanel);
  // [ ] timeframe, , . symbol, F full width, L follow live.
  const shown = timeframe ?? own;
  useEffect(
    () =>
      onPageKeys((key) => {
        if (key === 'timeframe-up' || key === 'timeframe-down') {
          const next = timeframes[timeframes.indexOf(shown) + (key === 'timeframe-up' ? 1 : -1)];
          if (next) setPicked(next);
          return true;
        }
        if (key === 'next-symbol' || key === 'previous-symbol') {
          const n = symbols.length;
          if (n > 1) setSymbol(symbols[(symbols.indexOf(chosen) + (key === 'next-symbol' ? 1 : n - 1)) % n]!);
          return true;
        }
        if (key === 'price-line-tool') setPlacing((on) => !on);
        else if (key === 'full-width')
          setPanel('chart-full', !workspaceStore.getState().panels['chart-full']);
        else if (key === 'follow-live') setPanel('chart-follow-off', followLive);
        else return false;
        return true;
      }),
    [timeframes, shown, symbols, chosen, setPanel, workspaceStore, followLive],
  );
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
        <fieldset className="bt-timeframes" aria-label="Chart timeframe">
          {timeframes.map((t) => (
            <button
              key={t}
              type="button"
              className={(timeframe ?? own) === t ? 'chip active' : 'chip'}
              aria-pressed={(timeframe ?? own) === t}
              onClick={() => setPicked(t)}
            >
              {t}
            </button>
          ))}
        </fieldset>
        <IndicatorPicker chart="session" error={user.error} />
        <span className="spacer" />
        <span className="muted small mb-num">
          {lastBars[chosen] ? `Last bar ${formatTime(lastBars[chosen].time, { utc: true })} UTC` : ''}
        </span>
        <ChartViewToggles />
      </div>
      <PriceLinesBar symbol={chosen} priceLines={priceLines} placing={placing} onPlacing={setPlacing} />
      {coarseError && (
        <div className="error-banner" role="alert">
          {coarseError}
        </div>
      )}
      <div className="ss-candles">
        <CandleChart
          ref={chartRef}
          bars={candles}
          indicators={allIndicators}
          markers={markers}
          focus={focus && focus.symbol === chosen ? focus.focus : null}
          onMarkerHover={onMarkerHover}
          priceLines={levels}
          userLines={userLines}
          onUserLineMove={moveLine}
          onPriceClick={placing ? placeLine : null}
          followLive={followLive}
          label={`${chosen} ${timeframe ?? own} live chart`}
          utc
          emptyText={snapshot.runId ? 'Waiting for the first bar…' : 'Start the session to see its market.'}
        />
      </div>
    </div>
  );
}
