// A run's journal and its replay. Bars, the user's controls (risk events) and, on Alpaca, the broker events the run
// applied (journaled with the bar count they followed) are all in the ledger; replaying them in that order through
// a fresh engine (deterministic ids and randomness) rebuilds the state the run had, which recovery compares with
// what the ledger stored.
import type { AlertSeverity } from '../../shared/domain/session';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { BrokerEvent } from '../adapters/alpaca/venue';
import type { Portfolio } from '../engine/portfolio';
import type { BarRow, BrokerJournalEntry, SessionRepo } from '../store/session-repo';
import { type Control, controlOf } from './run-controls';

/** What the journal holds: broker events, and the positions a run adopted at its start. */
export type JournalEvent =
  | BrokerEvent
  | { readonly kind: 'adopted'; readonly positions: readonly AdoptedPosition[] };

export class RunJournal {
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** The next entry: `event`, applied after `afterBars` bar times. */
  entry(event: JournalEvent, afterBars: number): BrokerJournalEntry {
    return {
      seq: ++this.seq,
      afterBars,
      kind: event.kind,
      event: JSON.stringify(event),
      recordedAt: this.now(),
    };
  }

  /** Numbering goes on after a replayed entry. */
  replayed(entry: BrokerJournalEntry): JournalEvent {
    this.seq = entry.seq;
    return JSON.parse(entry.event) as JournalEvent;
  }
}

/** A fresh run being rebuilt from its ledger. */
export interface ReplayedRun {
  /** Bar times processed so far: the journal's clock. */
  barTimesDone(): number;
  /** Applies a journaled event as the run applied it live. */
  applyJournal(entry: BrokerJournalEntry): void;
  /** Processes one stored bar time, with the user's controls recorded at it. */
  replayBarTime(bars: readonly BarRow[], controls: readonly Control[]): void;
}

/** What a replay went through: the user sees it in the recovery alert. */
export interface ReplayCounts {
  /** Stored bars (one per symbol per bar time). */
  readonly bars: number;
  readonly barTimes: number;
  /** Broker events and adopted positions applied from the journal. */
  readonly journalEntries: number;
}

/** Feeds `run` the ledger's bar times in order, each journaled event after the bar count it followed. */
export function replayLedger(repo: SessionRepo, runId: string, run: ReplayedRun): ReplayCounts {
  const controls = new Map<number, Control[]>();
  // riskEvents reads newest first; controls must be replayed in the order the user gave them.
  for (const event of repo.riskEvents(runId, Number.POSITIVE_INFINITY).reverse()) {
    const control = controlOf(event.kind, event.reason);
    if (control === undefined) continue;
    const list = controls.get(event.time) ?? [];
    list.push(control);
    controls.set(event.time, list);
  }
  const rows = repo.allBars(runId);
  const entries = repo.brokerEvents(runId);
  let next = 0;
  let barTimes = 0;
  const applyJournalUpTo = (afterBars: number) => {
    while (next < entries.length && entries[next]!.afterBars <= afterBars) {
      run.applyJournal(entries[next++]!);
    }
  };
  for (let start = 0; start < rows.length; ) {
    const time = rows[start]!.time;
    let end = start;
    while (end < rows.length && rows[end]!.time === time) end++;
    applyJournalUpTo(run.barTimesDone());
    run.replayBarTime(rows.slice(start, end), controls.get(time) ?? []);
    barTimes++;
    start = end;
  }
  applyJournalUpTo(Number.POSITIVE_INFINITY);
  return { bars: rows.length, barTimes, journalEntries: next };
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The alert a recovery leaves on the run, so a restart is never silent: what was replayed from the ledger and
 * whether the rebuilt account matches the stored one (each difference in words; a warning then).
 */
export function recoveryAlert(
  counts: ReplayCounts,
  differences: readonly string[],
): { readonly severity: AlertSeverity; readonly kind: 'run-recovered'; readonly message: string } {
  const replayed =
    `Recovered after a restart: replayed ${plural(counts.bars, 'bar')} (${plural(counts.barTimes, 'bar time')})` +
    ` and ${plural(counts.journalEntries, 'journal entry', 'journal entries')} from the ledger`;
  if (differences.length === 0) {
    return {
      severity: 'info',
      kind: 'run-recovered',
      message: `${replayed}; the rebuilt account matches it.`,
    };
  }
  return {
    severity: 'warning',
    kind: 'run-recovered',
    message: `${replayed}; ${plural(differences.length, 'difference')} found: ${differences.join('; ')}.`,
  };
}

/** The replay's account against the one the ledger stored, each difference in words (none for a clean run). */
export function replayDifferences(
  repo: SessionRepo,
  runId: string,
  replay: { readonly fills: number; readonly barTimes: number; readonly portfolio: Portfolio },
): string[] {
  const differences: string[] = [];
  const storedFills = repo.fillCount(runId);
  if (storedFills !== replay.fills) {
    differences.push(
      `the ledger holds ${storedFills} fills; replaying its ${replay.barTimes} bars gives ${replay.fills}`,
    );
  }
  const stored = repo.getRun(runId);
  const { portfolio } = replay;
  if (stored && Math.abs(stored.cash - portfolio.cash) > 1e-6) {
    differences.push(
      `cash: the ledger says ${stored.cash.toFixed(2)}, the replay ${portfolio.cash.toFixed(2)}`,
    );
  }
  const storedPositions = new Map(repo.positions(runId).map((p) => [p.symbol, p.qty]));
  portfolio.symbols.forEach((symbol, s) => {
    const was = storedPositions.get(symbol) ?? 0;
    if (Math.abs(was - portfolio.qty[s]!) > 1e-9) {
      differences.push(`${symbol}: the ledger holds ${was}, the replay ${portfolio.qty[s]}`);
    }
  });
  return differences;
}
