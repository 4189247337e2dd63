// Before an Alpaca paper session starts: what its account holds, compared with the session (session:prepare). The
// user accepts the differences (positions adopted, foreign open orders canceled) and starts, or cancels; a blocking
// item (a blocked account, too little buying power) cannot be accepted.
import { useCallback, useId, useRef } from 'react';
import type { StartReconciliation } from '../../../../shared/domain/session';
import { formatMoney } from '../../components/chart/format';
import { useModalKeys } from '../../components/use-modal-keys';
import type { StartReview } from '../../stores/sessions/session-state';
import './sessions-alpaca.css';
import { useSessionStore, useStores } from '../../stores/context';

type ReviewItem = StartReconciliation['items'][number];

function itemLabel(item: ReviewItem): string {
  switch (item.kind) {
    case 'account':
      return 'Account';
    case 'cash':
      return 'Buying power';
    case 'position':
      return `Position ${item.symbol ?? ''}`.trim();
    case 'order':
      return `Open order ${item.symbol ?? ''}`.trim();
    case 'info':
      return 'Note';
  }
}

/** Blocking items are errors; positions and orders wait for acceptance; notes are only read. */
function itemBadge(item: ReviewItem): { text: string; tone: string } {
  if (item.blocking) return { text: 'blocks', tone: 'tone-down' };
  if (item.kind === 'info') return { text: 'note', tone: 'tone-muted' };
  return { text: 'accept', tone: 'tone-warn' };
}

export function StartReviewDialog({ review }: { readonly review: StartReview }) {
  const sessionStore = useStores().sessions;
  const busy = useSessionStore((s) => s.busy[review.sessionId]);
  const error = useSessionStore((s) => s.errors.review);
  // Once the start is on its way the review stays until it answers: closing it would hide a refusal.
  const cancel = useCallback(() => {
    const store = sessionStore.getState();
    if (store.busy[review.sessionId] !== 'start') store.cancelStart();
  }, [sessionStore, review.sessionId]);
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  useModalKeys(dialogRef, cancelRef, cancel);

  const { report } = review;
  const starting = busy === 'start';
  const blocked = report.items.some((i) => i.blocking);

  return (
    <div className="help-backdrop">
      <div
        ref={dialogRef}
        className="help-dialog sr-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        data-testid="start-review"
      >
        <div className="help-head">
          <h2 id={titleId}>Start on your Alpaca paper account</h2>
        </div>
        <p id={descriptionId} className="help-lead">
          “{review.sessionName}” was compared with what the account holds. Nothing has been changed yet.
        </p>
        {report.account && (
          <dl className="sr-account" aria-label="Alpaca account">
            <div>
              <dt>Status</dt>
              <dd className={report.account.status === 'ACTIVE' ? 'mb-tone-up' : 'mb-tone-down'}>
                {report.account.status}
              </dd>
            </div>
            <div>
              <dt>Cash</dt>
              <dd className="mb-num">{formatMoney(report.account.cash)}</dd>
            </div>
            <div>
              <dt>Equity</dt>
              <dd className="mb-num">{formatMoney(report.account.equity)}</dd>
            </div>
            <div>
              <dt>Buying power</dt>
              <dd className="mb-num">{formatMoney(report.account.buyingPower)}</dd>
            </div>
          </dl>
        )}
        {report.items.length > 0 && (
          <ul className="sr-items" aria-label="Differences">
            {report.items.map((item) => {
              const badge = itemBadge(item);
              return (
                <li
                  key={`${item.kind}:${item.message}`}
                  className={item.blocking ? 'blocking' : undefined}
                  data-kind={item.kind}
                >
                  <span className={`badge ${badge.tone}`}>{badge.text}</span>
                  <span className="sr-item-label">{itemLabel(item)}</span>
                  <span className="sr-item-message">{item.message}</span>
                </li>
              );
            })}
          </ul>
        )}
        {blocked ? (
          <div className="error-banner" role="alert">
            The session cannot start: fix what is marked “blocks” on the Alpaca account or in the session’s
            config, then press Start again.
          </div>
        ) : (
          report.needsAcceptance && (
            <p className="sr-consequence">
              Accepting makes the positions above the run’s starting positions and cancels the open orders
              above, then starts the session. Positions in other symbols stay untouched.
            </p>
          )
        )}
        {error && (
          <div className="error-banner" role="alert" data-testid="start-review-error">
            {error}
          </div>
        )}
        <div className="ss-form-buttons">
          <button ref={cancelRef} type="button" className="mb-btn" disabled={starting} onClick={cancel}>
            Cancel
          </button>
          <button
            type="button"
            className="mb-btn ss-btn-accent"
            disabled={!report.canStart || starting}
            onClick={() => void sessionStore.getState().acceptStart()}
          >
            {starting ? 'Starting…' : report.needsAcceptance ? 'Accept and start' : 'Start'}
          </button>
        </div>
      </div>
    </div>
  );
}
