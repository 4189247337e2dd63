// Alpaca paper keys over the API: the secret comes in once, with credentials:save; only a masked status goes out.

import { ApiFailure } from '../../shared/api/ports';
import {
  CredentialError,
  type CredentialErrorKind,
  type CredentialService,
} from '../secrets/credential-service';
import type { HandlerTable } from './dispatcher';

type CredentialCalls = 'credentials:save' | 'credentials:status' | 'credentials:test' | 'credentials:delete';

const CODES: Record<CredentialErrorKind, ApiFailure['code']> = {
  refused: 'bad-request',
  blocked: 'conflict',
  unreachable: 'unavailable',
  keychain: 'unavailable',
};

/** The service's errors carry scrubbed messages; they become ApiFailures so the dispatcher never sees a raw one. */
async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CredentialError) throw new ApiFailure(CODES[error.kind], error.message);
    throw new ApiFailure('unavailable', 'The Alpaca keys could not be handled; see the log for details.');
  }
}

export function credentialHandlers(credentials: CredentialService): Pick<HandlerTable, CredentialCalls> {
  return {
    'credentials:save': ({ keyId, secret }) => answer(() => credentials.save({ keyId, secret })),
    'credentials:status': () => answer(() => credentials.status()),
    'credentials:test': () => answer(() => credentials.test()),
    'credentials:delete': () => answer(() => credentials.remove()),
  };
}
