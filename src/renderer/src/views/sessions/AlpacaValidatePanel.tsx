// Validate on an Alpaca session's page: the read-only checks of alpaca:validate for this session's symbols, capital
// and data feed — keys, account, clock, buying power, each symbol, market data. Nothing is traded. An options
// session's Validate is its validate-only launch (session:validate): the volatility source and the option chain,
// and on Alpaca the account's options lines too.
import { useEffect, useState } from 'react';
import type { AlpacaDataFeed, ValidationReport } from '../../../../shared/domain/credentials';
import { useApi } from '../../api/context';
import { ValidationChecks } from '../../components/alpaca/ValidationChecks';
import { formatTime } from '../../components/chart/format';
import './sessions-alpaca.css';

type Outcome =
  | { readonly kind: 'checking' }
  | { readonly kind: 'report'; readonly report: ValidationReport }
  | { readonly kind: 'error'; readonly message: string };

export function AlpacaValidatePanel({
  sessionId,
  options = false,
  simulated = false,
  feed,
  run,
  onAgain,
  onClose,
}: {
  readonly sessionId: string;
  /** An options session: its validate-only launch (session:validate). */
  readonly options?: boolean;
  /** The session trades on the simulator: no Alpaca data feed is involved. */
  readonly simulated?: boolean;
  readonly feed: AlpacaDataFeed;
  /** Bumped by every press of Validate: each one checks again. */
  readonly run: number;
  readonly onAgain: () => void;
  readonly onClose: () => void;
}) {
  const api = useApi();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'checking' });

  useEffect(() => {
    if (run === 0) return;
    let current = true;
    setOutcome({ kind: 'checking' });
    const call = options
      ? api.call('session:validate', { sessionId })
      : api.call('alpaca:validate', { sessionId, feed });
    void call.then((result) => {
      if (!current) return;
      setOutcome(
        result.ok
          ? { kind: 'report', report: result.value }
          : { kind: 'error', message: result.error.message },
      );
    });
    return () => {
      current = false;
    };
  }, [api, sessionId, feed, run, options]);

  return (
    <section className="ss-validate" aria-label="Alpaca validation" data-testid="session-validation">
      <div className="ss-validate-head">
        <h3>{options ? 'Validate-only launch' : 'Validate with Alpaca'}</h3>
        <span className="muted small">
          {outcome.kind === 'report'
            ? `${outcome.report.symbols.join(', ')} · ${simulated ? 'simulator' : `${outcome.report.feed.toUpperCase()} data`} · checked ${formatTime(outcome.report.checkedAt, { seconds: true })}`
            : 'Read-only: nothing is traded.'}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="mb-btn mb-btn-small"
          disabled={outcome.kind === 'checking'}
          onClick={onAgain}
        >
          Check again
        </button>
        <button type="button" className="mb-btn mb-btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      {outcome.kind === 'checking' && (
        <p className="muted" role="status">
          {options
            ? 'Checking the volatility source and the option chain (and, on Alpaca, the account)…'
            : 'Checking the keys, the account, the clock, buying power, each symbol and market data…'}
        </p>
      )}
      {outcome.kind === 'error' && (
        <div className="error-banner" role="alert">
          Could not validate: {outcome.message}
        </div>
      )}
      {outcome.kind === 'report' && <ValidationChecks report={outcome.report} />}
    </section>
  );
}
