// Listed equity options as Alpaca and the OCC name them: `SPY250117P00450000` is the root (1–6 characters), the
// expiry as YYMMDD, C or P, and the strike × 1000 in 8 digits. A contract covers 100 shares; quantities are whole
// contracts; prices are per share, so a fill's cash is price × 100 × contracts.

/** Shares per contract: premium and P&L in dollars are price × this × contracts. */
export const CONTRACT_MULTIPLIER = 100;

export type OptionRight = 'call' | 'put';
export type ExerciseStyle = 'american' | 'european';

export interface OptionContract {
  /** The underlying's root, e.g. SPY. */
  readonly root: string;
  /** Expiry date, YYYY-MM-DD (the contract expires at that day's close). */
  readonly expiry: string;
  readonly right: OptionRight;
  /** Dollars per share, to a tenth of a cent. */
  readonly strike: number;
}

const OCC = /^([A-Z][A-Z0-9.]{0,5})(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;

/** The contract an OCC symbol names, or an error saying which part is wrong. */
export function parseOccSymbol(symbol: string): OptionContract {
  const match = OCC.exec(symbol.trim().toUpperCase());
  if (match === null) {
    throw new Error(
      `"${symbol}" is not an OCC option symbol (root, YYMMDD expiry, C or P, strike × 1000 in 8 digits, e.g. SPY250117P00450000)`,
    );
  }
  const [, root, yy, mm, dd, right, strike] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const year = 2000 + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new Error(`"${symbol}": ${yy}${mm}${dd} is not a calendar date (YYMMDD)`);
  }
  const strikeValue = Number(strike) / 1000;
  if (strikeValue <= 0) throw new Error(`"${symbol}": the strike is zero`);
  return { root, expiry: `${year}-${mm}-${dd}`, right: right === 'C' ? 'call' : 'put', strike: strikeValue };
}

/** The OCC symbol of a contract; refuses a strike that is not a whole tenth of a cent or does not fit 8 digits. */
export function occSymbol(contract: OptionContract): string {
  const root = contract.root.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9.]{0,5}$/.test(root))
    throw new Error(`option root "${contract.root}" is not 1–6 letters`);
  const date = /^20(\d{2})-(\d{2})-(\d{2})$/.exec(contract.expiry);
  if (date === null)
    throw new Error(`option expiry "${contract.expiry}" is not a date YYYY-MM-DD in 2000–2099`);
  const thousandths = Math.round(contract.strike * 1000);
  if (Math.abs(thousandths - contract.strike * 1000) > 1e-6 || thousandths <= 0 || thousandths > 99_999_999) {
    throw new Error(`option strike ${contract.strike} does not fit the OCC format (0.001 to 99,999.999)`);
  }
  const [, yy, mm, dd] = date as unknown as [string, string, string, string];
  return `${root}${yy}${mm}${dd}${contract.right === 'call' ? 'C' : 'P'}${String(thousandths).padStart(8, '0')}`;
}

export function isOccSymbol(symbol: string): boolean {
  try {
    parseOccSymbol(symbol);
    return true;
  } catch {
    return false;
  }
}
