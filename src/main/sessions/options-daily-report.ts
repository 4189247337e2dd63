// The options monitor's daily JSON report: one file per trading day, <dataDir>/reports/options/<runId>/<day>.json.
// Written whole or not at all (a temp file renamed over it), so a reader never sees half a report.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OptionsMonitor } from '../../shared/domain/options';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,80}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Where a run's report of a day goes; refuses a run id or day that could name another place on the disk. */
export function dailyReportPath(dataDir: string, runId: string, day: string): string {
  if (!RUN_ID.test(runId))
    throw new Error(`daily report: run id "${runId}" is not a run id (letters, digits, - and _)`);
  if (!DAY.test(day)) throw new Error(`daily report: day "${day}" is not a date YYYY-MM-DD`);
  return join(dataDir, 'reports', 'options', runId, `${day}.json`);
}

/** Writes the monitor of its day as that day's report (replacing an earlier one of the same day); returns the path. */
export function writeDailyReport(dataDir: string, monitor: OptionsMonitor): string {
  const path = dailyReportPath(dataDir, monitor.runId, monitor.day);
  // The report is the monitor's body; where it was written is the page's business, not the file's.
  const { reportPath: _where, ...body } = monitor;
  const dir = join(dataDir, 'reports', 'options', monitor.runId);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${monitor.day}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { flush: true });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return path;
}
