// What main's layers below the API speak through, so sessions and research never import the API itself: they publish
// pushes through a PushPublisher and refuse a request with an ApiFailure; api/ maps both onto its transports.
import type { PushPayload } from './contract';
import { describeProblems, type FieldProblem } from './field-errors';
import type { PushTopic } from './names';

/** Where a service sends what the UI should see; the API's push bus coalesces and delivers it. */
export interface PushPublisher {
  publish<T extends PushTopic>(topic: T, payload: PushPayload<T>): void;
}

export type ApiFailureCode = 'bad-request' | 'not-found' | 'conflict' | 'unavailable';

/** An expected failure with a code the user can act on (conflict, not-found …); anything else is internal. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiFailureCode,
    message: string,
    /** The fields at fault, for a form to mark; see badFields(). */
    readonly fields?: readonly FieldProblem[],
  ) {
    super(message);
  }
}

/** A bad-request naming its fields: the message is their labels and problems, the fields go along for the form. */
export const badFields = (fields: readonly FieldProblem[]): ApiFailure =>
  new ApiFailure('bad-request', describeProblems(fields), fields);
