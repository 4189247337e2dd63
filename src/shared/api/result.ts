// Every API answer is data, never a thrown error across the boundary.

export type ApiErrorCode =
  | 'bad-request' // the payload failed the call's schema, or the message was malformed
  | 'unknown-call'
  | 'not-found'
  | 'conflict' // e.g. starting a session twice
  | 'unavailable' // a dependency (keychain, venue) cannot be reached
  | 'internal';

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly message: string;
}

export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ApiError };

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = (code: ApiErrorCode, message: string): ApiResult<never> => ({
  ok: false,
  error: { code, message },
});
