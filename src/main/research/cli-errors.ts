// How our command-line tools answer the user's mistakes: one line naming the problem and exit status 2. Anything
// else is our failure and propagates (a stack trace, status 1).
import { DataFileError } from '../feeds/errors';
import { ModelFileError } from '../ml/tree-nodes';
import { ConfigError } from '../strategies/config-error';

/** Status 2 after printing the mistake; rethrows what is not one. `configText` words a ConfigError (e.g. as a flag). */
export function inputErrorExit(
  error: unknown,
  configText: (error: ConfigError) => string = (e) => e.message,
): number {
  if (error instanceof ConfigError) {
    console.error(`config error: ${configText(error)}`);
    return 2;
  }
  if (error instanceof ModelFileError) {
    console.error(`model error: ${error.message}`);
    return 2;
  }
  if (error instanceof DataFileError) {
    console.error(`data error: ${error.message}`);
    return 2;
  }
  if (
    error instanceof Error &&
    (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true
  ) {
    console.error(`config error: ${error.message.split('\n')[0]}`);
    return 2;
  }
  throw error;
}
