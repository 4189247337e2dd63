// "Where orders go" in the session form: the built-in simulator, or the user's Alpaca paper account. Without saved
// Alpaca keys the Alpaca choice says so and points to Settings (a session may still be prepared before the keys).
import { useEffect, useState } from 'react';
import type { CredentialsStatus } from '../../../../shared/domain/credentials';
import type { SessionVenue } from '../../../../shared/domain/session';
import { useApi } from '../../api/context';
import './sessions-alpaca.css';
import { useStores } from '../../stores/context';

type KeysState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'known'; readonly status: CredentialsStatus }
  | { readonly kind: 'error'; readonly message: string };

export function VenueChoice({
  venue,
  onChange,
  idPrefix,
}: {
  readonly venue: SessionVenue;
  readonly onChange: (venue: SessionVenue) => void;
  readonly idPrefix: string;
}) {
  const api = useApi();
  const workspaceStore = useStores().workspace;
  const [keys, setKeys] = useState<KeysState>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    void api.call('credentials:status', {}).then((result) => {
      if (!current) return;
      setKeys(
        result.ok
          ? { kind: 'known', status: result.value }
          : { kind: 'error', message: result.error.message },
      );
    });
    return () => {
      current = false;
    };
  }, [api]);

  const name = `${idPrefix}-venue`;
  const noKeys = keys.kind === 'known' && !keys.status.present;

  return (
    <fieldset className="ss-venue" data-testid={`${idPrefix}-venue`}>
      <legend>Where orders go</legend>
      <label className="ss-venue-option">
        <input
          type="radio"
          name={name}
          value="simulated"
          checked={venue === 'simulated'}
          onChange={() => onChange('simulated')}
        />
        <span>
          <strong>Simulator</strong>
          <span className="muted"> — the built-in broker on a synthetic market; nothing leaves the app</span>
        </span>
      </label>
      <label className="ss-venue-option">
        <input
          type="radio"
          name={name}
          value="alpaca-paper"
          checked={venue === 'alpaca-paper'}
          onChange={() => onChange('alpaca-paper')}
          aria-describedby={`${idPrefix}-venue-keys`}
        />
        <span>
          <strong>Alpaca paper</strong>
          <span className="muted"> — your paper account, on Alpaca market data</span>
        </span>
      </label>
      <p id={`${idPrefix}-venue-keys`} className="ss-venue-keys small">
        {keys.kind === 'known' && keys.status.present && (
          <span className="muted">
            Keys {keys.status.keyIdHint} saved
            {keys.status.accountStatus ? ` · account ${keys.status.accountStatus}` : ''}
          </span>
        )}
        {noKeys && (
          <>
            <span className="mb-tone-warn">
              No Alpaca keys saved yet: an Alpaca session cannot start without them.
            </span>{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => workspaceStore.getState().setView('settings')}
            >
              Add them in Settings
            </button>
          </>
        )}
        {keys.kind === 'error' && (
          <span className="mb-tone-down">Could not read the Alpaca keys: {keys.message}</span>
        )}
      </p>
    </fieldset>
  );
}
