// The calendar heat map's layout, pure: where each period's cell goes and how strongly it is coloured.
//   day    — GitHub-style: a column per week (Monday first), a row per weekday (Mon–Fri, and the weekend when a
//            24/7 market traded on it)
//   week   — a row per ISO year, a column per week number (1–53)
//   month  — a row per year, a column per month
//   year   — one row, a column per year
import type { PnlPeriod, PnlPeriodRow } from '../../../../shared/domain/research';

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface HeatCell {
  readonly row: number;
  readonly column: number;
  readonly period: PnlPeriodRow;
  /** 0 (no colour) … 1 (the period with the largest P&L, win or loss). */
  readonly intensity: number;
  readonly tone: 'up' | 'down' | 'flat';
}

export interface HeatGrid {
  readonly rowLabels: readonly string[];
  /** One label per column; '' where none is shown. */
  readonly columnLabels: readonly string[];
  readonly cells: readonly HeatCell[];
}

/** Days since 1970-01-01 → 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
const weekdayOf = (day: number): number => (((day + 3) % 7) + 7) % 7;

/** Where each row goes, before colouring. */
function place(period: PnlPeriod, rows: readonly PnlPeriodRow[]) {
  switch (period) {
    case 'day': {
      const days = rows.map((r) => Math.round(r.start / DAY_MS));
      const firstMonday = days.length > 0 ? days[0]! - weekdayOf(days[0]!) : 0;
      const weekend = days.some((d) => weekdayOf(d) >= 5);
      const columns = days.length > 0 ? Math.floor((days[days.length - 1]! - firstMonday) / 7) + 1 : 0;
      // A month's abbreviation over the first week column that holds its 1st … or its first shown day.
      const columnLabels = new Array<string>(columns).fill('');
      let month = '';
      rows.forEach((r, k) => {
        const m = r.label.slice(0, 7);
        if (m !== month) {
          month = m;
          const column = Math.floor((days[k]! - firstMonday) / 7);
          if (columnLabels[column] === '') columnLabels[column] = MONTHS[Number(m.slice(5, 7)) - 1]!;
        }
      });
      return {
        rowLabels: WEEKDAYS.slice(0, weekend ? 7 : 5),
        columnLabels,
        at: (_r: PnlPeriodRow, k: number) => ({
          row: weekdayOf(days[k]!),
          column: Math.floor((days[k]! - firstMonday) / 7),
        }),
      };
    }
    case 'week': {
      const years = [...new Set(rows.map((r) => r.label.slice(0, 4)))];
      return {
        rowLabels: years,
        columnLabels: Array.from({ length: 53 }, (_, w) => (w % 4 === 0 ? `W${w + 1}` : '')),
        at: (r: PnlPeriodRow) => ({
          row: years.indexOf(r.label.slice(0, 4)),
          column: Number(r.label.slice(6)) - 1,
        }),
      };
    }
    case 'month': {
      const years = [...new Set(rows.map((r) => r.label.slice(0, 4)))];
      return {
        rowLabels: years,
        columnLabels: MONTHS,
        at: (r: PnlPeriodRow) => ({
          row: years.indexOf(r.label.slice(0, 4)),
          column: Number(r.label.slice(5, 7)) - 1,
        }),
      };
    }
    case 'year':
      return {
        rowLabels: [''],
        columnLabels: rows.map((r) => r.label),
        at: (_r: PnlPeriodRow, k: number) => ({ row: 0, column: k }),
      };
  }
}

export function heatGrid(period: PnlPeriod, rows: readonly PnlPeriodRow[]): HeatGrid {
  const layout = place(period, rows);
  const largest = rows.reduce((max, r) => Math.max(max, Math.abs(r.pnl)), 0);
  const cells = rows.map((r, k): HeatCell => {
    // Square root: a day a tenth the size of the biggest still shows (a third of the colour).
    const share = largest > 0 ? Math.sqrt(Math.abs(r.pnl) / largest) : 0;
    return {
      ...layout.at(r, k),
      period: r,
      intensity: share,
      tone: r.pnl > 0 ? 'up' : r.pnl < 0 ? 'down' : 'flat',
    };
  });
  return { rowLabels: layout.rowLabels, columnLabels: layout.columnLabels, cells };
}

/** The period shown first: days for a short run (up to about a month and a half), months otherwise. */
export function defaultPeriod(dayRows: number): PnlPeriod {
  return dayRows <= 31 ? 'day' : 'month';
}
