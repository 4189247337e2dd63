// One handler table behind both transports: validate with zod, run, answer a Result, log with a correlation id.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { type CallArg, type CallResult, calls } from '../../shared/api/contract';
import { describeProblems, problemsOf } from '../../shared/api/field-errors';
import { CALL_NAMES, type CallName } from '../../shared/api/names';
import { ApiFailure } from '../../shared/api/ports';
import { type ApiResult, fail, ok } from '../../shared/api/result';
import { DataFileError } from '../feeds/errors';
import type { Logger } from '../log/logger';

/**
 * A handler gets its validated argument; it may throw ApiFailure for an expected error. A DataFileError (a file the
 * user named is no usable data file) is the user's input too, whichever service let it through: bad-request.
 * Anything else is internal.
 */
export type Handler<N extends CallName> = (arg: CallArg<N>) => CallResult<N> | Promise<CallResult<N>>;
export type HandlerTable = { [N in CallName]: Handler<N> };

export type Dispatch = (name: unknown, arg: unknown) => Promise<ApiResult<unknown>>;

const isCallName = (name: unknown): name is CallName =>
  typeof name === 'string' && (CALL_NAMES as readonly string[]).includes(name);

/** Names each failing field by its label, in the user's words ("Bars per symbol: must be at most 2000000"). */
export function describeIssues(error: z.ZodError): string {
  return describeProblems(problemsOf(error));
}

/**
 * A call name as logs and errors may show it: only when it is shaped like domain:verb, so a broken client that
 * sends, say, a secret in that place never gets it written anywhere.
 */
function printableName(name: unknown): string | undefined {
  return typeof name === 'string' && /^[A-Za-z]{1,24}:[A-Za-z-]{1,40}$/.test(name) ? name : undefined;
}

export function createDispatcher(handlers: HandlerTable, log: Logger): Dispatch {
  return async (name, arg) => {
    const correlationId = randomUUID();
    const callLog = log.child({
      correlationId,
      call: printableName(name) ?? '(not a call name)',
    });
    if (!isCallName(name)) {
      callLog.warn('unknown call refused');
      const printable = printableName(name);
      return fail(
        'unknown-call',
        printable === undefined
          ? 'unknown call (not shaped like domain:verb)'
          : `unknown call ${JSON.stringify(printable)}`,
      );
    }
    const parsed = calls[name].input.safeParse(arg ?? {});
    if (!parsed.success) {
      // The log keeps the call and the raw paths for whoever debugs; the user gets labels and plain words.
      const fields = problemsOf(parsed.error);
      callLog.warn('bad payload refused', {
        problem: fields.map((f) => `${f.path || '(argument)'}: ${f.message}`).join('; '),
      });
      return fail('bad-request', describeProblems(fields), fields);
    }
    const started = performance.now();
    try {
      const handler = handlers[name] as (a: unknown) => unknown;
      const value = await handler(parsed.data);
      callLog.debug('call answered', { ms: Math.round(performance.now() - started) });
      return ok(value);
    } catch (error) {
      if (error instanceof ApiFailure) {
        callLog.warn('call failed', { code: error.code, problem: error.message });
        return fail(error.code, error.message, error.fields);
      }
      if (error instanceof DataFileError) {
        callLog.warn('call refused: bad data file', { problem: error.message });
        return fail('bad-request', error.message);
      }
      callLog.error('call crashed', { error });
      return fail(
        'internal',
        `${name} failed unexpectedly: ${error instanceof Error ? error.message : String(error)} (correlation id ${correlationId})`,
      );
    }
  };
}
