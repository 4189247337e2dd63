// Testing Alpaca paper keys: GET /v2/account through the SDK. The keychain service gets this as its account check,
// so `secrets/` never imports venue code.
import { ApiError, AuthError, FetchError, PermissionError } from '@alpacahq/alpaca-trade-api';
import { type AccountCheck, CredentialError } from '../../secrets/credential-service';
import { ALPACA_PAPER_TRADING_HOST, type AlpacaBaseUrls, createAlpacaClient } from './client';

export interface AlpacaAccountCheckOptions {
  /** Loopback base URLs of a fake Alpaca; undefined for the real one. */
  readonly baseUrls?: AlpacaBaseUrls;
  readonly timeoutMs?: number;
}

/** The account's id and status for these keys, or a CredentialError saying why they cannot trade. */
export function alpacaAccountCheck(options: AlpacaAccountCheckOptions = {}): AccountCheck {
  const target = options.baseUrls?.trading ?? ALPACA_PAPER_TRADING_HOST;
  return async (keys, stored) => {
    const these = stored ? 'the stored keys' : 'these keys';
    const alpaca = createAlpacaClient({
      ...keys,
      ...(options.baseUrls && { baseUrls: options.baseUrls }),
      options: { timeoutMs: options.timeoutMs ?? 15_000, retry: { maxRetries: 1 } },
    });
    let account: Awaited<ReturnType<typeof alpaca.trading.account.getAccount>>;
    try {
      account = await alpaca.trading.account.getAccount();
    } catch (error) {
      if (error instanceof AuthError || error instanceof PermissionError)
        throw new CredentialError(
          'refused',
          `Alpaca refused ${these} (HTTP ${error.status}${error.message ? `: ${error.message}` : ''}). Check that the key id and secret are one pair, generated in your Alpaca paper-trading dashboard.`,
        );
      if (error instanceof ApiError)
        throw new CredentialError(
          'unreachable',
          `Alpaca could not check ${these} (HTTP ${error.status}${error.message ? `: ${error.message}` : ''}); try again later.`,
        );
      const cause =
        error instanceof FetchError
          ? (error.cause?.cause as Error | undefined)?.message || error.cause?.message || error.message
          : error instanceof Error
            ? error.message
            : String(error);
      throw new CredentialError('unreachable', `Cannot reach Alpaca at ${target}: ${cause}.`);
    }
    const blocks: string[] = [];
    if (account.accountBlocked) blocks.push('the account is blocked (account_blocked)');
    if (account.tradingBlocked) blocks.push('trading is blocked (trading_blocked)');
    if (account.tradeSuspendedByUser)
      blocks.push('trading is suspended by the account holder (trade_suspended_by_user)');
    if (account.status !== 'ACTIVE') blocks.push(`its status is ${String(account.status)}, not ACTIVE`);
    if (blocks.length > 0)
      throw new CredentialError(
        'blocked',
        `Alpaca accepted ${these} but the paper account cannot trade: ${blocks.join('; ')}. Resolve it in the Alpaca dashboard.`,
      );
    return { id: String(account.id), status: String(account.status) };
  };
}
