// A trade plan as the session page shows it: its rows before they run (with the holding deadline each would get),
// the refusals by line of a bad file, and each row's outcome once the session runs it.
import type { Side } from './trading';

export interface PlanRowView {
  readonly line: number;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number | null;
  readonly notional: number | null;
  readonly entryType: string;
  readonly entryPrice: number | null;
  readonly takeProfit: number;
  readonly stopLoss: number;
  readonly timeInForce: string;
  /** The holding time enforced, in trading days (the file's, or the mode's bound). */
  readonly timeLimitDays: number;
  /** When the position is closed if still open (epoch ms): from the next bar, for a preview. */
  readonly deadline: number;
}

/** One refusal of a plan file: its line (undefined for the whole file), field and what is wrong. */
export interface PlanProblemView {
  readonly line: number | null;
  readonly field: string | null;
  readonly detail: string;
}

/** A plan checked but not stored: its rows, or why it would be refused (then nothing is imported). */
export interface PlanPreview {
  readonly fileName: string;
  readonly mode: string;
  readonly rows: readonly PlanRowView[];
  readonly problems: readonly PlanProblemView[];
}

export const PLAN_OUTCOMES = [
  'waiting',
  'entered',
  'exited by target',
  'exited by stop',
  'exited by time',
  'exited by flatten',
  'not entered',
  'refused',
] as const;
export type PlanOutcomeKind = (typeof PLAN_OUTCOMES)[number];

export interface PlanOutcome extends PlanRowView {
  /** The plan file and the bar time its rows were sent at. */
  readonly source: string;
  readonly planTime: number;
  readonly outcome: PlanOutcomeKind;
  /** Why, in words: the refusal reason, the entry and exit prices. */
  readonly detail: string;
  readonly entryOrderId: string | null;
}
