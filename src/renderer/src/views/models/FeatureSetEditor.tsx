// The feature set as data: one row per feature (kind, its periods, an optional column name), other symbols and higher
// timeframes. Each row is checked as typed against the shared schema; a row main refused shows main's words too.
import { useId } from 'react';
import {
  FEATURE_KINDS,
  type FeatureDraft,
  type FeatureKind,
  type FeatureSetDraft,
  kindInfo,
  newFeature,
} from './models-model';

export function FeatureSetEditor({
  draft,
  onChange,
  problems,
}: {
  readonly draft: FeatureSetDraft;
  readonly onChange: (next: FeatureSetDraft) => void;
  /** By place: `features.N`, `symbols`, `timeframes`, `` (the set), local and main's alike. */
  readonly problems: Readonly<Record<string, string>>;
}) {
  const idBase = useId();
  const setFeature = (index: number, next: FeatureDraft) =>
    onChange({ ...draft, features: draft.features.map((f, i) => (i === index ? next : f)) });
  const remove = (index: number) =>
    onChange({ ...draft, features: draft.features.filter((_, i) => i !== index) });
  return (
    <fieldset className="md-features">
      <legend>Features ({draft.features.length})</legend>
      <ol className="md-feature-rows" aria-label="Features">
        {draft.features.map((feature, index) => {
          const info = kindInfo(feature.kind);
          const problem = problems[`features.${index}`];
          const rowId = `${idBase}-f${index}`;
          return (
            // Rows are positional; a removed row shifts the rest, which is what the user sees too.
            // biome-ignore lint/suspicious/noArrayIndexKey: the row's place is its identity here
            <li key={index} className={problem ? 'md-feature mb-field-invalid' : 'md-feature'}>
              <select
                aria-label={`Feature ${index + 1} kind`}
                value={feature.kind}
                onChange={(e) => setFeature(index, newFeature(e.target.value as FeatureKind))}
              >
                {FEATURE_KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
              <span className="md-feature-params">
                {info.params.map((param) => {
                  const id = `${rowId}-${param.key}`;
                  const value = feature.values[param.key] ?? '';
                  const set = (raw: string) =>
                    setFeature(index, { ...feature, values: { ...feature.values, [param.key]: raw } });
                  return (
                    <span key={param.key} className="md-param">
                      <label htmlFor={id}>{param.label}</label>
                      {param.options ? (
                        <select
                          id={id}
                          aria-label={`Feature ${index + 1} ${param.label}`}
                          value={value}
                          onChange={(e) => set(e.target.value)}
                        >
                          {param.options.map((o) => (
                            <option key={o} value={o}>
                              {o.toUpperCase()}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <input
                          id={id}
                          type="number"
                          inputMode="numeric"
                          aria-label={`Feature ${index + 1} ${param.label}`}
                          className="num"
                          min={param.schema.minimum}
                          max={param.schema.maximum}
                          value={value}
                          aria-invalid={problem !== undefined}
                          onChange={(e) => set(e.target.value)}
                          onWheel={(e) => e.currentTarget.blur()}
                        />
                      )}
                    </span>
                  );
                })}
                <input
                  type="text"
                  className="md-feature-name"
                  aria-label={`Feature ${index + 1} column name`}
                  placeholder="column name (auto)"
                  maxLength={60}
                  value={feature.name}
                  onChange={(e) => setFeature(index, { ...feature, name: e.target.value })}
                />
              </span>
              <button
                type="button"
                className="mb-btn md-remove"
                aria-label={`Remove feature ${index + 1}`}
                title="Remove this feature"
                onClick={() => remove(index)}
              >
                ×
              </button>
              {problem && (
                <span className="mb-field-error" role="alert">
                  {problem}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="mb-btn"
        onClick={() => onChange({ ...draft, features: [...draft.features, newFeature('return')] })}
      >
        Add feature
      </button>
      {problems[''] && (
        <div className="mb-field-error" role="alert">
          {problems['']}
        </div>
      )}
      <div className="form-row">
        <label htmlFor={`${idBase}-symbols`}>Other symbols</label>
        <input
          id={`${idBase}-symbols`}
          type="text"
          placeholder="none (e.g. QQQ, IWM)"
          value={draft.symbols}
          onChange={(e) => onChange({ ...draft, symbols: e.target.value })}
        />
      </div>
      {problems['symbols'] && (
        <div className="mb-field-error" role="alert">
          {problems['symbols']}
        </div>
      )}
      <div className="form-row">
        <label htmlFor={`${idBase}-timeframes`}>Higher timeframes</label>
        <input
          id={`${idBase}-timeframes`}
          type="text"
          placeholder="none (e.g. 5, 12 × bars)"
          value={draft.timeframes}
          onChange={(e) => onChange({ ...draft, timeframes: e.target.value })}
        />
      </div>
      {problems['timeframes'] && (
        <div className="mb-field-error" role="alert">
          {problems['timeframes']}
        </div>
      )}
      <p className="muted small">
        Each feature uses bars up to its own, never later ones. Other symbols are aligned by bar time; a
        higher timeframe gives the value of its last closed bar.
      </p>
    </fieldset>
  );
}
