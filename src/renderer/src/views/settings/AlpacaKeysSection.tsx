// Settings → Alpaca paper account: the keys go to main once; afterwards only the masked hint and the account's
// status come back, with Test connection, Validate (read-only checks for a session's symbols) and Remove.
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import {
  describeProblem,
  type FieldProblem,
  fieldLabel,
  problemsOf,
  problemsUnder,
} from '../../../../shared/api/field-errors';
import {
  type AlpacaDataFeed,
  type CredentialsStatus,
  credentialsSaveSchema,
  type ValidationReport,
} from '../../../../shared/domain/credentials';
import type { ConnectedClient } from '../../api/client';
import { parseSymbols } from '../../components/alpaca/symbols';
import { ValidationChecks } from '../../components/alpaca/ValidationChecks';
import { SubmitButton } from '../../components/form/SubmitButton';
import './alpaca-keys.css';

type Notice = { readonly tone: 'error' | 'ok'; readonly text: string } | null;

export function AlpacaKeysSection({ api }: { api: ConnectedClient }) {
  const [status, setStatus] = useState<CredentialsStatus | null>(null);
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState<'save' | 'test' | 'validate' | 'remove' | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [symbolsText, setSymbolsText] = useState('SPY');
  const [feed, setFeed] = useState<AlpacaDataFeed>('iex');
  const [report, setReport] = useState<ValidationReport | null>(null);
  /** Main's refusal of the last save, by field. */
  const [serverFields, setServerFields] = useState<readonly FieldProblem[]>([]);

  // The same schema main checks the keys with, as the user types; a field says nothing until something is in it.
  const checked = credentialsSaveSchema.safeParse({ keyId, secret });
  const problems = checked.success ? [] : problemsOf(checked.error);
  const live = problemsUnder(problems, '');
  const server = problemsUnder(serverFields, '');
  const keyIdError = (keyId !== '' ? live['keyId'] : undefined) ?? server['keyId'];
  const secretError = (secret !== '' ? live['secret'] : undefined) ?? server['secret'];
  const saveBlockedBy =
    status?.keychainProblem !== undefined
      ? 'No OS keychain to store the keys in'
      : problems[0]
        ? describeProblem(problems[0])
        : null;

  const load = useCallback(async () => {
    const result = await api.call('credentials:status', {});
    if (result.ok) setStatus(result.value);
    else setNotice({ tone: 'error', text: result.error.message });
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy('save');
    setNotice(null);
    const result = await api.call('credentials:save', { keyId, secret });
    setBusy(null);
    if (!result.ok) {
      setServerFields(result.error.fields ?? []);
      setNotice({ tone: 'error', text: result.error.message });
      return;
    }
    setServerFields([]);
    // The secret leaves the page's memory as soon as main has it.
    setSecret('');
    setKeyId('');
    setStatus(result.value);
    setReport(null);
    setNotice({ tone: 'ok', text: 'Keys checked with Alpaca and stored in the OS keychain.' });
  };

  const test = async () => {
    setBusy('test');
    setNotice(null);
    const result = await api.call('credentials:test', {});
    setBusy(null);
    if (!result.ok) {
      setNotice({ tone: 'error', text: result.error.message });
      return;
    }
    setStatus(result.value);
    setNotice({
      tone: 'ok',
      text: `Connected: Alpaca says the account is ${result.value.accountStatus ?? 'unknown'}.`,
    });
  };

  const validate = async (event: FormEvent) => {
    event.preventDefault();
    const symbols = parseSymbols(symbolsText);
    setBusy('validate');
    setNotice(null);
    const result = await api.call('alpaca:validate', {
      ...(symbols.length > 0 && { symbols }),
      feed,
    });
    setBusy(null);
    if (!result.ok) {
      setReport(null);
      setNotice({ tone: 'error', text: result.error.message });
      return;
    }
    setReport(result.value);
  };

  const remove = async () => {
    setBusy('remove');
    setNotice(null);
    const result = await api.call('credentials:delete', {});
    setBusy(null);
    if (!result.ok) {
      setNotice({ tone: 'error', text: result.error.message });
      return;
    }
    setNotice({ tone: 'ok', text: 'Keys removed from the OS keychain.' });
    setReport(null);
    await load();
  };

  return (
    <section className="settings-section" aria-labelledby="alpaca-keys-title" data-testid="alpaca-keys">
      <h2 id="alpaca-keys-title">Alpaca paper account</h2>
      <p className="muted small">
        Paper-trading keys only. They are checked with Alpaca, then kept in the OS keychain — never in the
        database or the logs, and never shown again.
      </p>
      {status === null && notice === null && <p className="muted">Loading…</p>}
      {status?.keychainProblem !== undefined && (
        // Keys go nowhere but the OS keychain, so without one the form cannot work: say what to install instead.
        <p className="alpaca-keys-notice error" role="alert" data-testid="alpaca-keychain-problem">
          {status.keychainProblem}
        </p>
      )}
      {status?.present && (
        <>
          <dl className="facts alpaca-keys-facts">
            <dt>Key id</dt>
            <dd className="mono" data-testid="alpaca-key-hint">
              {status.keyIdHint}
            </dd>
            <dt>Account status</dt>
            <dd data-testid="alpaca-account-status">{status.accountStatus ?? 'unknown'}</dd>
            <dt>Environment</dt>
            <dd>{status.paper ? 'Paper trading' : 'Live trading'}</dd>
          </dl>
          <div className="alpaca-keys-buttons">
            <button type="button" className="mb-btn" disabled={busy !== null} onClick={() => void test()}>
              {busy === 'test' ? 'Testing…' : 'Test connection'}
            </button>
            <button
              type="button"
              className="mb-btn mb-btn-danger"
              disabled={busy !== null}
              onClick={() => void remove()}
            >
              Remove
            </button>
          </div>
        </>
      )}
      {status !== null && !status.present && (
        <form className="alpaca-keys-form" onSubmit={(e) => void save(e)}>
          <div className="form-row">
            <label htmlFor="alpaca-key-id">API key id</label>
            <input
              id="alpaca-key-id"
              className="mono"
              value={keyId}
              onChange={(e) => {
                setKeyId(e.target.value);
                setServerFields([]);
              }}
              placeholder="PK…"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={keyIdError !== undefined}
              aria-describedby={keyIdError ? 'alpaca-key-id-error' : undefined}
            />
          </div>
          {keyIdError && (
            <p id="alpaca-key-id-error" className="mb-field-error" role="alert">
              {fieldLabel('keyId')}: {keyIdError}
            </p>
          )}
          <div className="form-row">
            <label htmlFor="alpaca-secret">Secret key</label>
            <input
              id="alpaca-secret"
              type="password"
              className="mono"
              value={secret}
              onChange={(e) => {
                setSecret(e.target.value);
                setServerFields([]);
              }}
              autoComplete="new-password"
              spellCheck={false}
              aria-invalid={secretError !== undefined}
              aria-describedby={secretError ? 'alpaca-secret-error' : undefined}
            />
          </div>
          {secretError && (
            <p id="alpaca-secret-error" className="mb-field-error" role="alert">
              {fieldLabel('secret')}: {secretError}
            </p>
          )}
          <SubmitButton
            id="alpaca-keys-save"
            type="submit"
            className="mb-btn alpaca-keys-save"
            blockedBy={saveBlockedBy}
            busy={busy !== null}
          >
            {busy === 'save' ? 'Checking with Alpaca…' : 'Save'}
          </SubmitButton>
        </form>
      )}
      {status !== null && (
        <form className="alpaca-validate" onSubmit={(e) => void validate(e)} aria-label="Validate">
          <h3>Validate</h3>
          <p className="muted small">
            Checks the keys, the account, the market clock, buying power, each symbol and market data with
            Alpaca. Read-only: nothing is traded.
          </p>
          <div className="form-row">
            <label htmlFor="alpaca-validate-symbols">Symbols</label>
            <input
              id="alpaca-validate-symbols"
              className="mono"
              value={symbolsText}
              onChange={(e) => setSymbolsText(e.target.value)}
              placeholder="SPY, AAPL"
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div className="form-row">
            <label htmlFor="alpaca-validate-feed">Data feed</label>
            <select
              id="alpaca-validate-feed"
              value={feed}
              onChange={(e) => setFeed(e.target.value === 'sip' ? 'sip' : 'iex')}
            >
              <option value="iex">IEX (free)</option>
              <option value="sip">SIP (paid subscription)</option>
            </select>
          </div>
          <button
            type="submit"
            className="mb-btn alpaca-validate-button"
            disabled={busy !== null || !status.present}
            title={status.present ? undefined : 'Save paper keys first'}
          >
            {busy === 'validate' ? 'Validating…' : 'Validate'}
          </button>
          {report && <ValidationChecks report={report} />}
        </form>
      )}
      {notice && (
        <p
          className={notice.tone === 'error' ? 'alpaca-keys-notice error' : 'alpaca-keys-notice'}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="alpaca-keys-notice"
        >
          {notice.text}
        </p>
      )}
    </section>
  );
}
