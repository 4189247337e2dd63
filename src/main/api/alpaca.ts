// Alpaca over the API: the read-only "validate" action on the stored paper keys. The keys stay in main; what goes
// out is a report of checks whose details have the key id and secret cut out.

import { ApiFailure } from '../../shared/api/ports';
import type { ValidationReport } from '../../shared/domain/credentials';
import {
  ALPACA_PAPER_TRADING_HOST,
  type AlpacaBaseUrls,
  createAlpacaClient,
} from '../adapters/alpaca/client';
import { type VolatilitySourceSpec, validateOptions } from '../adapters/alpaca/option-validate';
import { noKeysReport, validateAlpaca } from '../adapters/alpaca/validate';
import type { Logger } from '../log/logger';
import { CredentialError, type CredentialService, scrub } from '../secrets/credential-service';
import { validateOptionsOnSimulator } from '../sessions/option-validate';
import type { SessionService } from '../sessions/session-service';
import type { HandlerTable } from './dispatcher';

/** What a validation checks when neither the caller nor a session names symbols: the broad market. */
export const DEFAULT_VALIDATION_SYMBOLS: readonly string[] = ['SPY'];

export interface AlpacaHandlerDeps {
  readonly credentials: Pick<CredentialService, 'keys'>;
  readonly sessions: Pick<SessionService, 'list' | 'optionsConfig'>;
  /** Loopback base URLs of a fake Alpaca; undefined for the real one (the same the credentials use). */
  readonly baseUrls?: AlpacaBaseUrls | undefined;
  readonly log: Logger;
  /** Per-request timeout of the validation calls. */
  readonly timeoutMs?: number;
}

/** The volatility source as the options validation names it. */
function volatilitySpec(source: string): VolatilitySourceSpec {
  if (source.startsWith('csv:')) return { kind: 'csv', path: source.slice(4) };
  return source === 'alpaca' ? { kind: 'alpaca' } : { kind: 'synthetic' };
}

export function alpacaHandlers(
  deps: AlpacaHandlerDeps,
): Pick<HandlerTable, 'alpaca:validate' | 'session:validate'> {
  const { log } = deps;
  const storedKeys = async () => {
    try {
      return await deps.credentials.keys();
    } catch (error) {
      if (error instanceof CredentialError) throw new ApiFailure('unavailable', error.message);
      throw error;
    }
  };
  return {
    // The validate-only launch of an options session: on the simulator its volatility and synthetic chain, on
    // Alpaca the account's lines as well. Only reads; nothing is traded.
    'session:validate': async ({ sessionId }) => {
      const config = deps.sessions.optionsConfig(sessionId);
      if (config.venueKind !== 'alpaca-paper') return validateOptionsOnSimulator(config, Date.now());
      const options = config.options!;
      const feed = config.feed.kind === 'alpaca' ? config.feed.feed : 'iex';
      const plan = { symbols: config.symbols, capital: config.cash, feed };
      const keys = await storedKeys();
      if (keys === null) return noKeysReport(plan);
      const alpaca = createAlpacaClient({
        ...keys,
        ...(deps.baseUrls && { baseUrls: deps.baseUrls }),
        options: { timeoutMs: deps.timeoutMs ?? 15_000, retry: { maxRetries: 1 } },
      });
      const report = await validateOptions(alpaca, {
        keyId: keys.keyId,
        underlying: config.symbols[0]!,
        capital: config.cash,
        feed,
        volatility: volatilitySpec(options.volSource),
        tradingHost: deps.baseUrls?.trading ?? ALPACA_PAPER_TRADING_HOST,
      });
      return scrubbed(report, [keys.keyId, keys.secret]);
    },
    'alpaca:validate': async ({ symbols, capital, sessionId, feed }) => {
      const session =
        sessionId === undefined ? undefined : deps.sessions.list().find((s) => s.id === sessionId);
      if (sessionId !== undefined && session === undefined)
        throw new ApiFailure('not-found', `no session ${sessionId}`);
      const plan = {
        symbols: symbols ?? session?.symbols ?? DEFAULT_VALIDATION_SYMBOLS,
        capital: capital ?? session?.startingCash,
        feed,
      };

      let keys: Awaited<ReturnType<CredentialService['keys']>>;
      try {
        keys = await deps.credentials.keys();
      } catch (error) {
        if (error instanceof CredentialError) throw new ApiFailure('unavailable', error.message);
        throw error;
      }
      if (keys === null) return noKeysReport(plan);

      const alpaca = createAlpacaClient({
        ...keys,
        ...(deps.baseUrls && { baseUrls: deps.baseUrls }),
        // One retry: a validation should answer in seconds, not wait out the SDK's full backoff.
        options: { timeoutMs: deps.timeoutMs ?? 15_000, retry: { maxRetries: 1 } },
      });
      const report = await validateAlpaca(alpaca, {
        keyId: keys.keyId,
        ...plan,
        tradingHost: deps.baseUrls?.trading ?? ALPACA_PAPER_TRADING_HOST,
      });
      const safe = scrubbed(report, [keys.keyId, keys.secret]);
      log.info('alpaca keys validated', {
        hint: safe.keyIdHint,
        ready: safe.ready,
        checks: safe.checks.map((check) => `${check.id}:${check.status}`).join(' '),
      });
      return safe;
    },
  };
}

/** A server message could echo a key back; no detail leaves main with one in it. */
function scrubbed(report: ValidationReport, secrets: readonly string[]): ValidationReport {
  return {
    ...report,
    checks: report.checks.map((check) => ({ ...check, detail: scrub(check.detail, secrets) })),
  };
}
