// Import a model XGBoost saved (`save_model("model.json")`): pick the file, name it, and say whether its columns
// were computed with a feature set of ours (then it can trade; without one it only predicts from files). Main reads
// and checks the file; what it refuses (multi-class, categorical splits, dart …) is shown in its words.
import { useRef, useState } from 'react';
import { featureSetSchema } from '../../../../shared/domain/ml';
import { useModelsStore, useStores } from '../../stores/context';
import { DEFAULT_FEATURE_SET, featureSetInput } from './models-model';

/** The renderer reads the file whole; main refuses more than this anyway (shared/domain/ml modelImportSchema). */
const MAX_BYTES = 64 * 1024 * 1024;

export function ImportModel() {
  const stores = useStores();
  const importError = useModelsStore((s) => s.importError);
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [withFeatures, setWithFeatures] = useState(false);
  const [featuresJson, setFeaturesJson] = useState(() =>
    JSON.stringify(featureSetInput(DEFAULT_FEATURE_SET), null, 1),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  if (!open)
    return (
      <button type="button" className="mb-btn" onClick={() => setOpen(true)}>
        Import XGBoost model…
      </button>
    );

  const submit = async () => {
    if (!file) return setProblem('Choose the model.json file XGBoost saved.');
    if (file.size > MAX_BYTES) return setProblem(`${file.name} is larger than 64 MB.`);
    let featureSet: ReturnType<typeof featureSetSchema.parse> | undefined;
    if (withFeatures) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(featuresJson);
      } catch (error) {
        return setProblem(`Feature set: not JSON (${(error as Error).message}).`);
      }
      const checked = featureSetSchema.safeParse(parsed);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        return setProblem(
          `Feature set ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not a feature set'}.`,
        );
      }
      featureSet = checked.data;
    }
    setProblem(null);
    setBusy(true);
    const json = await file.text();
    const id = await stores.models
      .getState()
      .importXgboost(name.trim() || file.name.replace(/\.json$/i, ''), json, featureSet);
    setBusy(false);
    if (id !== null) {
      setOpen(false);
      setFile(null);
      setName('');
    }
  };

  return (
    <section className="md-import" aria-label="Import an XGBoost model">
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        aria-label="XGBoost model file"
        onChange={(e) => {
          const picked = e.target.files?.[0] ?? null;
          setFile(picked);
          if (picked && name === '') setName(picked.name.replace(/\.json$/i, ''));
        }}
      />
      <input
        type="text"
        aria-label="Model name"
        placeholder="name"
        maxLength={120}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="pick">
        <input type="checkbox" checked={withFeatures} onChange={(e) => setWithFeatures(e.target.checked)} />
        Columns come from a feature set
      </label>
      {withFeatures && (
        <textarea
          aria-label="Feature set JSON"
          className="mono md-import-features"
          rows={6}
          value={featuresJson}
          onChange={(e) => setFeaturesJson(e.target.value)}
        />
      )}
      <button type="button" className="mb-btn primary" disabled={busy || !file} onClick={() => void submit()}>
        {busy ? 'Importing…' : 'Import'}
      </button>
      <button type="button" className="mb-btn" onClick={() => setOpen(false)}>
        Close
      </button>
      {(problem ?? importError) && (
        <div className="mb-field-error md-import-error" role="alert" data-testid="import-error">
          {problem ?? importError}
        </div>
      )}
    </section>
  );
}
