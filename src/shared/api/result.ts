// Every API answer is data, never a thrown error across the boundary.
import type { FieldProblem } from './field-errors';

export type ApiErrorCode =
  | 'bad-request' // the payload failed the call's schema, or the message was malformed
  | 'unknown-call'
  | 'not-found'
  | 'conflict' // e.g. starting a session twice
  | 'unavailable' // a dependency (keychain, venue) cannot be reached
  | 'internal';

export interface ApiError {
  readonly code: ApiErrorCode;
  /** In the user's words: "Fast period: must be less than the slow period (30)". */
  readonly message: string;
  /** A refusal of particular fields (bad-request), so a form can show each message next to its field. */
  readonly fields?: readonly FieldProblem[];
}

export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ApiError };

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = (
  code: ApiErrorCode,
  message: string,
  fields?: readonly FieldProblem[],
): ApiResult<never> => ({
  ok: false,
  error: fields === undefined || fields.length === 0 ? { code, message } : { code, message, fields },
});
