// The one-click demo, offered where a new user lands (the Overview) and on the empty Sessions view: both press the
// same store action (sessions.startDemo), which creates the demo session and starts it.
import { useState } from 'react';
import { useSessionStore, useStores } from '../../stores/context';

export function DemoOffer({ onStarted }: { readonly onStarted?: (sessionId: string) => void }) {
  const sessionStore = useStores().sessions;
  const error = useSessionStore((s) => s.errors.create);
  const [starting, setStarting] = useState(false);
  return (
    <>
      <h2>Try the simulated demo</h2>
      <p className="muted">
        One click creates a paper-trading session — an SMA crossover on the synthetic symbols ACME and BOLT,
        1-minute bars at 120× real time, default risk limits — and starts it on the simulated broker. The
        first trades appear within a minute. Nothing real is traded.
      </p>
      <button
        type="button"
        className="primary"
        disabled={starting}
        onClick={async () => {
          setStarting(true);
          const id = await sessionStore.getState().startDemo();
          setStarting(false);
          if (id !== null) onStarted?.(id);
        }}
      >
        {starting ? 'Starting the demo…' : 'Try the simulated demo'}
      </button>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
    </>
  );
}
