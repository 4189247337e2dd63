// A small Phase 4D market for tests: SPY 5-minute bars over trading days of January 2025 (New York winter time), each
// day a shape the strategy reacts to, and a CBOE-format VIX_History.csv for them. Written as files like a trader's.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionOnDay } from '../../src/main/market/calendar';

const BAR_MS = 300_000;
const BARS_PER_DAY = 78; // 09:30 to 16:00

export type DayShape = 'calm' | 'drop' | 'rise' | 'flat' | 'extreme';

/** Each shape's close of bar i (0 = 09:30) from the day's opening price. */
const PATHS: Readonly<Record<DayShape, (start: number, i: number) => number>> = {
  calm: (start, i) => start + Math.sin((4 * Math.PI * (i + 1)) / BARS_PER_DAY),
  // Flat through 10:00, then down 0.15 a bar for 20 bars: the put gains, the profit target is met.
  drop: (start, i) => start - 0.15 * Math.min(20, Math.max(0, i - 6)),
  rise: (start, i) => start + 0.04 * Math.max(0, i - 6),
  flat: (start) => start,
  // Down 10 over the day: the next day is skipped for its range.
  extreme: (start, i) => start - (10 * (i + 1)) / BARS_PER_DAY,
};

/** Trading days from Mon 6 January (9 January closed; 20 January MLK Day). */
export const PHASE4D_DAYS: readonly [string, DayShape][] = [
  ['2025-01-06', 'calm'], // warm-up
  ['2025-01-07', 'drop'],
  ['2025-01-08', 'calm'], // VIX closes at 27: 10 January is skipped (high VIX)
  ['2025-01-10', 'extreme'],
  ['2025-01-13', 'rise'], // skipped: 10 January's range
  ['2025-01-14', 'drop'],
  ['2025-01-15', 'rise'],
  ['2025-01-16', 'flat'],
  ['2025-01-17', 'drop'],
];

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The SPY CSV's text: timestamp (ISO, UTC), open, high, low, close, volume. */
export function spyCsv(days: readonly [string, DayShape][] = PHASE4D_DAYS): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  let price = 590;
  for (const [day, shape] of days) {
    const session = sessionOnDay('us-equities', day);
    if (session === null) throw new Error(`${day} has no session`);
    let open = price;
    for (let i = 0; i < BARS_PER_DAY; i++) {
      const close = r4(PATHS[shape](price, i));
      const high = r4(Math.max(open, close) + 0.1);
      const low = r4(Math.min(open, close) - 0.1);
      rows.push(
        `${new Date(session.open + i * BAR_MS).toISOString()},${open},${high},${low},${close},100000`,
      );
      open = close;
    }
    price = open;
  }
  return `${rows.join('\n')}\n`;
}

/** CBOE's format, MM/DD/YYYY, one row per trading day from `from` through `through`; 16 except 27 on 8 January. */
export function vixCsv(from = '2024-12-30', through = '2025-01-17'): string {
  const rows = ['DATE,OPEN,HIGH,LOW,CLOSE'];
  for (let day = Date.parse(from); day <= Date.parse(through); day += 86_400_000) {
    const iso = new Date(day).toISOString().slice(0, 10);
    if (sessionOnDay('us-equities', iso) === null) continue;
    const close = iso === '2025-01-08' ? 27 : 16;
    rows.push(
      `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)},${close},${close},${close},${close}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/** SPY_5m.csv and VIX_History.csv written into `dir`; their paths. */
export function writePhase4dFiles(dir: string, vix = vixCsv()): { spy: string; vix: string } {
  const spy = join(dir, 'SPY_5m.csv');
  const vixPath = join(dir, 'VIX_History.csv');
  writeFileSync(spy, spyCsv());
  writeFileSync(vixPath, vix);
  return { spy, vix: vixPath };
}
