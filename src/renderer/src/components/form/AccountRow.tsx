// The simulated broker's account (config `account.type`), as the backtest and session forms ask for it: a cash
// account pays for what it buys and cannot short; a margin account borrows up to 2x its equity.
export type AccountType = 'cash' | 'margin';

export function accountTypeOf(config: Readonly<Record<string, unknown>> | undefined): AccountType {
  const account = config?.['account'] as { type?: unknown } | undefined;
  return account?.type === 'margin' ? 'margin' : 'cash';
}

export function AccountRow({
  id,
  value,
  onChange,
}: {
  readonly id: string;
  readonly value: AccountType;
  readonly onChange: (account: AccountType) => void;
}) {
  return (
    <div className="form-row">
      <label htmlFor={id}>Account</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value === 'margin' ? 'margin' : 'cash')}
        aria-describedby={`${id}-hint`}
      >
        <option value="cash">Cash</option>
        <option value="margin">Margin (2x)</option>
      </select>
      <span id={`${id}-hint`} className="muted small">
        {value === 'cash' ? 'buys need the cash; no short sales' : 'buying power 2x equity (Reg T)'}
      </span>
    </div>
  );
}
