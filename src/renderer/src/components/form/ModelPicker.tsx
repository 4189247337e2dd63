// Picks a registered model for a strategy's `modelId` parameter (the ML signal): the ready models by name, symbol and
// mean AUC, newest first, instead of a text box for an id. A form whose model is not set takes the newest one.
import { useContext, useEffect, useState } from 'react';
import type { ModelSummary } from '../../../../shared/domain/ml';
import { ApiContext } from '../../api/context';

/** The parameter a strategy names its model with; the strategy form shows this picker for it. */
export const MODEL_PARAM = 'modelId';

export function modelOptionText(model: ModelSummary): string {
  const auc = model.meanAuc === null ? '' : ` · AUC ${model.meanAuc.toFixed(3)}`;
  return `${model.name}${model.symbol ? ` · ${model.symbol}` : ''}${auc}`;
}

export function ModelPicker({
  id,
  value,
  onChange,
  error,
}: {
  readonly id: string;
  readonly value: string | undefined;
  readonly onChange: (modelId: string) => void;
  /** Main's or the form's refusal of the model, in words. */
  readonly error?: string | undefined;
}) {
  const api = useContext(ApiContext);
  const [models, setModels] = useState<readonly ModelSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!api) return;
    let current = true;
    void api.call('ml:list', {}).then((result) => {
      if (!current) return;
      if (!result.ok) return setLoadError(result.error.message);
      setModels(
        [...result.value].filter((m) => m.status === 'ready').sort((a, b) => b.createdAt - a.createdAt),
      );
    });
    return () => {
      current = false;
    };
  }, [api]);

  // An unset model takes the newest; a model deleted since stays shown as the id it names.
  const newest = models?.[0]?.id;
  useEffect(() => {
    if ((value === undefined || value === '') && newest !== undefined) onChange(newest);
  }, [value, newest, onChange]);

  const known = models?.some((m) => m.id === value) ?? false;
  const message =
    error ??
    loadError ??
    (models !== null && models.length === 0
      ? 'No models yet: train or import one in the Models view.'
      : undefined);
  return (
    <div className={`form-row md-model-pick${message ? ' mb-field-invalid' : ''}`}>
      <label htmlFor={id}>Model</label>
      <select
        id={id}
        value={value ?? ''}
        aria-invalid={error !== undefined}
        aria-describedby={message ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        {(value === undefined || value === '') && (
          <option value="">{models === null ? 'Loading…' : '—'}</option>
        )}
        {value !== undefined && value !== '' && !known && <option value={value}>{value}</option>}
        {(models ?? []).map((m) => (
          <option key={m.id} value={m.id}>
            {modelOptionText(m)}
          </option>
        ))}
      </select>
      {message && (
        <span id={`${id}-error`} className="mb-field-error mb-inline-error" role="alert">
          {message}
        </span>
      )}
    </div>
  );
}
