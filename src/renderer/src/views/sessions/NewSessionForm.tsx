// "New session": a name and a config; Create, or Create and start (through the Alpaca account review if needed).
import { useEffect, useState } from 'react';
import type { JsonSchema } from '../../components/form/schema-model';
import { useCatalogueStore, useSessionStore, useStores } from '../../stores/context';
import { ConfigFields } from './ConfigFields';
import { type ConfigDraft, configOf, draftFrom, draftValid } from './session-config';

export function NewSessionForm() {
  const sessionStore = useStores().sessions;
  const strategies = useCatalogueStore((s) => s.strategies);
  const error = useSessionStore((s) => s.errors.create);
  const hasSessions = useSessionStore((s) => s.sessions.length > 0);
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFrom(undefined, strategies));
  const [saving, setSaving] = useState(false);

  // The strategies arrive after the first render: recompute the params' validity for the default strategy.
  useEffect(() => {
    if (strategies.length > 0) setDraft((d) => ({ ...d, params: draftFrom(configOf(d), strategies).params }));
  }, [strategies]);

  const riskSchema = useCatalogueStore((s) => s.options?.riskSchema) as JsonSchema | undefined;
  const canCreate = name.trim().length > 0 && draftValid(draft, riskSchema) && !saving;
  const submit = async (startNow: boolean) => {
    setSaving(true);
    const store = sessionStore.getState();
    const id = await store.create(name.trim(), configOf(draft));
    if (id !== null) {
      setName('');
      if (startNow) await store.requestStart(id, 'create');
    }
    setSaving(false);
  };

  return (
    <details className="ss-new" open={!hasSessions}>
      <summary>New session</summary>
      <div className="ss-form">
        <div className="form-row">
          <label htmlFor="ss-new-name">Name</label>
          <input
            id="ss-new-name"
            type="text"
            maxLength={80}
            placeholder="e.g. SMA on ACME"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <ConfigFields draft={draft} onChange={setDraft} idPrefix="ss-new" />
        {error && (
          <div className="error-banner" role="alert" data-testid="session-create-error">
            {error}
          </div>
        )}
        <div className="ss-form-buttons">
          <button type="button" className="mb-btn" disabled={!canCreate} onClick={() => void submit(false)}>
            Create
          </button>
          <button
            type="button"
            className="mb-btn ss-btn-accent"
            disabled={!canCreate}
            onClick={() => void submit(true)}
          >
            Create and start
          </button>
        </div>
      </div>
    </details>
  );
}
