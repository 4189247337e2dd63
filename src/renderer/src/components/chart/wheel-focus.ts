// The mouse wheel over a chart: inside a scrolling page it scrolls the page, as over anything else, until the user
// clicks the chart (giving it focus); then it zooms and scrolls the chart, until focus leaves it.

import type { IChartApi } from 'lightweight-charts';
import type { FocusEvent, PointerEvent } from 'react';

/** Whether the wheel zooms and scrolls `chart` (true) or passes to the page (false). */
export function setChartWheel(chart: IChartApi, enabled: boolean): void {
  chart.applyOptions({ handleScroll: { mouseWheel: enabled }, handleScale: { mouseWheel: enabled } });
}

/** Props for the chart's region: focusable, focused by a click, and the wheel given to the chart while focused. */
export function wheelFocusProps(setWheel: (enabled: boolean) => void) {
  return {
    tabIndex: 0,
    onPointerDownCapture: (event: PointerEvent<HTMLElement>) => {
      const active = document.activeElement;
      if (active === null || !event.currentTarget.contains(active)) {
        event.currentTarget.focus({ preventScroll: true });
      }
    },
    onFocus: () => setWheel(true),
    onBlur: (event: FocusEvent<HTMLElement>) => {
      const next = event.relatedTarget;
      if (!(next instanceof Node && event.currentTarget.contains(next))) setWheel(false);
    },
  };
}
