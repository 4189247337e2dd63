// "New session": a name and a config; Create, or Create and start (through the Alpaca account review if needed).
import { useEffect, useRef, useState } from 'react';
import { problemsUnder } from '../../../../shared/api/field-errors';
import { SubmitButton } from '../../components/form/SubmitButton';
import type { JsonSchema } from '../../components/form/schema-model';
import { useCatalogueStore, useSessionStore, useStores, useWorkspaceStore } from '../../stores/context';
import { ConfigFields } from './ConfigFields';
import { type ConfigDraft, configOf, draftFrom, draftProblem } from './session-config';

export function NewSessionForm() {
  const sessionStore = useStores().sessions;
  const strategies = useCatalogueStore((s) => s.strategies);
  const error = useSessionStore((s) => s.errors.create);
  const fieldErrors = useSessionStore((s) => s.fieldErrors.create);
  const hasSessions = useSessionStore((s) => s.sessions.length > 0);
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFrom(undefined, strategies));
  const [saving, setSaving] = useState(false);

  // The strategies arrive after the first render: recompute the params' validity for the default strategy.
  useEffect(() => {
    if (strategies.length > 0) setDraft((d) => ({ ...d, params: draftFrom(configOf(d), strategies).params }));
  }, [strategies]);

  // A config handed over by another view ("Use in a session" on a research result) becomes the form's draft, and
  // the form opens to show it.
  const workspace = useStores().workspace;
  const handedOver = useWorkspaceStore((s) => s.sessionDraft);
  const detailsRef = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (handedOver === null || strategies.length === 0) return;
    const config = workspace.getState().takeSessionDraft();
    if (config === null) return;
    setDraft(draftFrom({ ...config }, strategies));
    if (detailsRef.current) detailsRef.current.open = true;
  }, [handedOver, strategies, workspace]);

  const riskSchema = useCatalogueStore((s) => s.options?.riskSchema) as JsonSchema | undefined;
  // Why Create is greyed out, in words (after a Create the name is empty again, ready for the next session).
  const blockedBy = name.trim() === '' ? 'Name the session' : draftProblem(draft, riskSchema);
  const nameError = problemsUnder(fieldErrors, '')['name'];
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
    <details className="ss-new" open={!hasSessions} ref={detailsRef}>
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
            aria-invalid={nameError !== undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {nameError && <span className="mb-field-error">Name: {nameError}</span>}
        </div>
        <ConfigFields draft={draft} onChange={setDraft} idPrefix="ss-new" fieldErrors={fieldErrors} />
        {error && (
          <div className="error-banner" role="alert" data-testid="session-create-error">
            {error}
          </div>
        )}
        <div className="ss-form-buttons">
          <button
            type="button"
            className="mb-btn"
            disabled={blockedBy !== null || saving}
            title={blockedBy ?? undefined}
            onClick={() => void submit(false)}
          >
            Create
          </button>
          <SubmitButton
            id="ss-new-create-start"
            className="mb-btn ss-btn-accent"
            blockedBy={blockedBy}
            busy={saving}
            onClick={() => void submit(true)}
          >
            Create and start
          </SubmitButton>
        </div>
      </div>
    </details>
  );
}
