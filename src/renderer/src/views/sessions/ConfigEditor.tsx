// Editing a stopped session's config: the form, then a review of every changed field before it is saved as the
// next version (past runs keep theirs).

import { useMemo, useState } from 'react';
import type { SessionSnapshot } from '../../../../shared/domain/session';
import { SubmitButton } from '../../components/form/SubmitButton';
import type { JsonSchema } from '../../components/form/schema-model';
import { useCatalogueStore, useSessionStore, useStores } from '../../stores/context';
import { ConfigFields } from './ConfigFields';
import {
  type Config,
  type ConfigDraft,
  configOf,
  diffConfigs,
  draftFrom,
  draftProblem,
} from './session-config';

export function ConfigEditor({ snapshot, onDone }: { snapshot: SessionSnapshot; onDone: () => void }) {
  const sessionStore = useStores().sessions;
  const strategies = useCatalogueStore((s) => s.strategies);
  const error = useSessionStore((s) => s.errors.update);
  const fieldErrors = useSessionStore((s) => s.fieldErrors.update);
  const riskSchema = useCatalogueStore((s) => s.options?.riskSchema) as JsonSchema | undefined;
  const old = snapshot.session.config;
  const [name, setName] = useState(snapshot.session.name);
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFrom(old, strategies));
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);

  // The edited fields over the stored config, so what the form does not show (seed …) is kept; a feed of another
  // kind (the venue changed) replaces the old one whole, since its fields would not fit.
  const next = useMemo<Config>(() => {
    const edited = configOf(draft);
    const oldFeed = (old['feed'] as Config | undefined) ?? {};
    const editedFeed = edited['feed'] as Config;
    const feed = oldFeed['kind'] === editedFeed['kind'] ? { ...oldFeed, ...editedFeed } : editedFeed;
    const risk = { ...((old['risk'] as Config | undefined) ?? {}), ...(edited['risk'] as Config) };
    // The form sets the account's type only; its multiplier (and anything else stored there) is kept.
    const account = { ...((old['account'] as Config | undefined) ?? {}), ...(edited['account'] as Config) };
    return { ...old, ...edited, feed, risk, account };
  }, [draft, old]);
  const changes = useMemo(() => {
    const list = diffConfigs(old, next);
    if (name.trim() !== snapshot.session.name)
      list.unshift({
        path: 'name',
        before: JSON.stringify(snapshot.session.name),
        after: JSON.stringify(name),
      });
    return list;
  }, [old, next, name, snapshot.session.name]);

  const save = async () => {
    setSaving(true);
    const nameChanged = name.trim() !== snapshot.session.name;
    const configChanged = changes.some((c) => c.path !== 'name');
    const ok = await sessionStore.getState().update(snapshot.session.id, {
      ...(nameChanged && { name: name.trim() }),
      ...(configChanged && { config: next }),
    });
    setSaving(false);
    if (ok) onDone();
    else setReviewing(false);
  };

  return (
    <section className="ss-editor" aria-label="Edit session config">
      <h3>Edit config — saved as version {snapshot.session.version + 1}; past runs keep theirs</h3>
      {!reviewing ? (
        <div className="ss-form">
          <div className="form-row">
            <label htmlFor="ss-edit-name">Name</label>
            <input
              id="ss-edit-name"
              type="text"
              maxLength={80}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <ConfigFields draft={draft} onChange={setDraft} idPrefix="ss-edit" fieldErrors={fieldErrors} />
          {error && (
            <div className="error-banner" role="alert" data-testid="session-update-error">
              {error}
            </div>
          )}
          <div className="ss-form-buttons">
            <button type="button" className="mb-btn" onClick={onDone}>
              Cancel
            </button>
            <SubmitButton
              className="mb-btn ss-btn-accent"
              blockedBy={
                name.trim() === ''
                  ? 'Name the session'
                  : (draftProblem(draft, riskSchema) ?? (changes.length === 0 ? 'Nothing changed yet' : null))
              }
              onClick={() => setReviewing(true)}
            >
              {changes.length === 0
                ? 'No changes'
                : `Review ${changes.length} change${changes.length > 1 ? 's' : ''}`}
            </SubmitButton>
          </div>
        </div>
      ) : (
        <div>
          <table className="ss-diff" aria-label="Config changes">
            <thead>
              <tr>
                <th>Field</th>
                <th>Old</th>
                <th />
                <th>New</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.path}>
                  <th scope="row" className="mono">
                    {c.path}
                  </th>
                  <td className="mono mb-tone-down">{c.before}</td>
                  <td className="muted">→</td>
                  <td className="mono mb-tone-up">{c.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="ss-form-buttons">
            <button type="button" className="mb-btn" onClick={() => setReviewing(false)}>
              Back
            </button>
            <button
              type="button"
              className="mb-btn ss-btn-accent"
              disabled={saving}
              onClick={() => void save()}
            >
              {saving ? 'Saving…' : 'Save changes'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
