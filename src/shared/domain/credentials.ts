// Alpaca credentials as the UI sees them: the payload of the one call that carries them, and the status that comes
// back — never the secret itself.
import { z } from 'zod';

/** What the renderer may know about the stored keys. The secret never appears here. */
export interface CredentialsStatus {
  readonly present: boolean;
  /** First two and last four characters of the key id, e.g. `PK…Q3ZX`; null when nothing is stored. */
  readonly keyIdHint: string | null;
  /** MarketBoss only stores paper-trading keys. */
  readonly paper: boolean;
  /** Alpaca's account status (`ACTIVE` …) as of the last check; null when nothing is stored. */
  readonly accountStatus: string | null;
  /** Present when keys cannot be stored on this machine: why, and what to install (keytar missing or unbuilt). */
  readonly keychainProblem?: string;
}

export const NO_CREDENTIALS: CredentialsStatus = {
  present: false,
  keyIdHint: null,
  paper: true,
  accountStatus: null,
};

export const keyIdHint = (keyId: string): string => `${keyId.slice(0, 2)}…${keyId.slice(-4)}`;

// Messages never quote the value: a mistyped secret must not come back in an error.
const keyIdSchema = z
  .string()
  .trim()
  .min(1, 'enter the API key id from your Alpaca paper dashboard')
  .superRefine((value, ctx) => {
    if (/^AK/i.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'this is a live-trading key (live key ids start with AK); MarketBoss trades Alpaca paper accounts only — generate a paper key (it starts with PK) in the paper dashboard',
      });
      return;
    }
    if (!/^PK/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'an Alpaca paper key id starts with PK' });
      return;
    }
    if (!/^PK[A-Z0-9]{14,38}$/.test(value))
      ctx.addIssue({
        code: 'custom',
        message: 'an Alpaca key id is PK followed by 14 to 38 capital letters and digits, without spaces',
      });
  });

const secretSchema = z
  .string()
  .trim()
  .min(1, 'enter the secret key shown once when the key was generated')
  .refine(
    (value) => /^[A-Za-z0-9/+=._-]{20,128}$/.test(value),
    'an Alpaca secret key is 20 to 128 letters and digits (no spaces); copy it whole from the Alpaca dashboard',
  );

/** The argument of `credentials:save`: checked here for shape, then against Alpaca before anything is stored. */
export const credentialsSaveSchema = z.object({ keyId: keyIdSchema, secret: secretSchema }).strict();
export type CredentialsSaveInput = z.output<typeof credentialsSaveSchema>;

/** Alpaca's stock data feeds: IEX comes with every account; recent SIP data needs a paid subscription. */
export const ALPACA_DATA_FEEDS = ['iex', 'sip'] as const;
export type AlpacaDataFeed = (typeof ALPACA_DATA_FEEDS)[number];

/**
 * How one check of the Alpaca validation came out. `warn`: usable with a caveat (market closed, not shortable, SIP
 * refused but IEX works); `skip`: not run, because an earlier check it depends on failed.
 */
export type ValidationStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface ValidationCheck {
  /** Stable: `keys`, `account`, `clock`, `buying-power`, `asset:<SYMBOL>`, `data`. */
  readonly id: string;
  readonly label: string;
  readonly status: ValidationStatus;
  /** The reason in words, naming the values Alpaca reported. Never a key or secret. */
  readonly detail: string;
}

/** What the read-only "validate" action found out about the stored keys; nothing is traded to find it. */
export interface ValidationReport {
  /** When the check ran (wall clock, ms since the epoch). */
  readonly checkedAt: number;
  readonly keyIdHint: string | null;
  readonly symbols: readonly string[];
  /** The session's capital that buying power was compared with; null when none was given. */
  readonly capital: number | null;
  readonly feed: AlpacaDataFeed;
  /** True when nothing failed or was skipped: warnings alone do not stop a session from starting. */
  readonly ready: boolean;
  readonly checks: readonly ValidationCheck[];
}
