// "Train a model": the bars (the backtest form's data part) and the symbol to learn, the feature set, the label,
// the booster's settings (XGBoost's names and defaults, a form generated from the shared schema) and the walk-forward
// folds. The Train button says what keeps it greyed out; main's refusals land beside the fields they name.
import { useMemo, useState } from 'react';
import { type FieldProblem, problemsUnder } from '../../../../shared/api/field-errors';
import {
  boosterParamsSchema,
  labelSpecSchema,
  type TrainingWindowMode,
  type TrainRequestInput,
  trainRequestSchema,
  WALK_FORWARD_MODES,
} from '../../../../shared/domain/ml';
import { inputSchemaOf } from '../../../../shared/domain/run-limits';
import { parseSymbols } from '../../components/alpaca/symbols';
import { NumberField, numberProblem } from '../../components/form/NumberField';
import { SchemaForm } from '../../components/form/SchemaForm';
import { SubmitButton } from '../../components/form/SubmitButton';
import { firstFormProblem, type JsonSchema } from '../../components/form/schema-model';
import { useCatalogueStore, useModelsStore, useStores } from '../../stores/context';
import {
  BacktestDataForm,
  type DataChoice,
  DEFAULT_DATA_CHOICE,
  dataProblem,
  dataRequest,
  symbolFromPath,
} from '../backtests/BacktestDataForm';
import { FeatureSetEditor } from './FeatureSetEditor';
import {
  DEFAULT_FEATURE_SET,
  type FeatureSetDraft,
  featureSetInput,
  featureSetProblems,
} from './models-model';

type FormPart = { values: Record<string, unknown>; valid: boolean };
type LabelKind = 'forward-return' | 'triple-barrier';

const BOOSTER_SCHEMA = inputSchemaOf(boosterParamsSchema) as JsonSchema;
const LABEL_SCHEMAS: Readonly<Record<LabelKind, JsonSchema>> = Object.fromEntries(
  labelSpecSchema.options.map((o) => [o.shape.kind.value, inputSchemaOf(o) as JsonSchema]),
) as Record<LabelKind, JsonSchema>;
const LABEL_DEFAULTS: Readonly<Record<LabelKind, Record<string, unknown>>> = {
  'forward-return': { kind: 'forward-return', horizon: 5, threshold: 0.001 },
  'triple-barrier': { kind: 'triple-barrier', horizon: 10, target: 0.02, stop: 0.01 },
};
const FOLDS_SCHEMA = inputSchemaOf(trainRequestSchema.shape.folds) as JsonSchema;
const THRESHOLD_SCHEMA = inputSchemaOf(trainRequestSchema.shape.threshold) as JsonSchema;
const BOOSTER_HINTS = {
  alpha: { hidden: true },
  objective: { label: 'Objective' },
  rounds: { label: 'Trees (rounds)' },
  maxDepth: { label: 'Max depth' },
  eta: { label: 'Learning rate (eta)' },
  lambda: { label: 'L2 (lambda)' },
  minChildWeight: { label: 'Min child weight' },
  gamma: { label: 'Min split gain (gamma)' },
  subsample: { label: 'Row subsample', unit: 'fraction' },
  colsample: { label: 'Column sample', unit: 'per tree' },
  maxBin: { label: 'Max bins' },
  earlyStoppingRounds: { label: 'Early stopping', unit: 'rounds (0 = off)' },
  baseScore: { label: 'Base score', unit: 'empty = mean label' },
  seed: { label: 'Seed' },
} as const;
const LABEL_HINTS = {
  kind: { hidden: true },
  horizon: { label: 'Horizon', unit: 'bars' },
  threshold: { label: 'Threshold', unit: 'fraction' },
  target: { label: 'Target', unit: 'fraction' },
  stop: { label: 'Stop', unit: 'fraction' },
} as const;

/** The symbols a data choice brings, the first being the one a model is trained on by default. */
export function dataSymbols(choice: DataChoice): string[] {
  if (choice.source === 'synthetic') return [...choice.symbols];
  if (choice.source === 'alpaca') return parseSymbols(choice.alpacaSymbols);
  const symbol = choice.csvSymbol.trim() || symbolFromPath(choice.csvPath.trim());
  return symbol === '' ? [] : [symbol];
}

/** Main's refusal of a field, whether it names it under the call's `request` or from the request itself. */
function under(fields: readonly FieldProblem[], path: string): Record<string, string> {
  return { ...problemsUnder(fields, path), ...problemsUnder(fields, `request.${path}`) };
}

const firstProblem = (problems: readonly (string | null | undefined)[]): string | null =>
  problems.find((p): p is string => typeof p === 'string') ?? null;

export function TrainForm() {
  const stores = useStores();
  const options = useCatalogueStore((s) => s.options);
  const trainError = useModelsStore((s) => s.trainError);
  const trainFields = useModelsStore((s) => s.trainFields);
  const { train, clearTrainError } = stores.models.getState();

  const [name, setName] = useState('');
  const [data, setData] = useState<DataChoice>(DEFAULT_DATA_CHOICE);
  const [symbol, setSymbol] = useState('');
  const [features, setFeatures] = useState<FeatureSetDraft>(DEFAULT_FEATURE_SET);
  const [labelKind, setLabelKind] = useState<LabelKind>('forward-return');
  const [label, setLabel] = useState<FormPart>({ values: LABEL_DEFAULTS['forward-return'], valid: true });
  const [booster, setBooster] = useState<FormPart>({ values: {}, valid: true });
  const [folds, setFolds] = useState(5);
  const [mode, setMode] = useState<TrainingWindowMode>('expanding');
  const [threshold, setThreshold] = useState(0.5);
  const [busy, setBusy] = useState(false);

  const symbols = dataSymbols(data);
  const chosenSymbol = symbols.includes(symbol) ? symbol : (symbols[0] ?? '');
  const server = useMemo(
    () => ({
      request: under(trainFields, ''),
      data: under(trainFields, 'data'),
      featureSet: under(trainFields, 'featureSet'),
      features: under(trainFields, 'featureSet.features'),
      label: under(trainFields, 'label'),
      params: under(trainFields, 'params'),
    }),
    [trainFields],
  );
  const localFeatureProblems = useMemo(() => featureSetProblems(features), [features]);
  // Main's words for a row it refused, unless the row already has a local problem; they go with the next edit.
  const featureProblems = useMemo(() => {
    const shown = { ...localFeatureProblems };
    for (const [index, message] of Object.entries(server.features))
      shown[`features.${index}`] ??= `Feature ${Number(index) + 1}: ${message}`;
    for (const [key, message] of Object.entries(server.featureSet))
      if (key !== 'features') shown[key] ??= message;
    return shown;
  }, [localFeatureProblems, server]);

  const blockedBy = firstProblem([
    dataProblem(data),
    chosenSymbol === '' ? 'Pick the symbol to train on' : null,
    Object.values(localFeatureProblems)[0],
    label.valid
      ? null
      : (firstFormProblem(LABEL_SCHEMAS[labelKind], label.values, 'label') ?? 'Label: fix the marked field'),
    booster.valid
      ? null
      : (firstFormProblem(BOOSTER_SCHEMA, booster.values, 'params') ?? 'Booster: fix the marked field'),
    numberProblem(FOLDS_SCHEMA, folds) && `Folds: ${numberProblem(FOLDS_SCHEMA, folds)}`,
    numberProblem(THRESHOLD_SCHEMA, threshold) && `Threshold: ${numberProblem(THRESHOLD_SCHEMA, threshold)}`,
  ]);

  const request = (): TrainRequestInput => ({
    ...(name.trim() !== '' && { name: name.trim() }),
    symbol: chosenSymbol,
    data: dataRequest(data, options?.defaultSeed ?? 1),
    featureSet: featureSetInput(features),
    label: label.values as TrainRequestInput['label'],
    params: booster.values,
    folds,
    mode,
    threshold,
  });
  const submit = () => {
    setBusy(true);
    void train(request()).finally(() => setBusy(false));
  };

  return (
    <section className="md-train" aria-label="Train a model" onChangeCapture={clearTrainError}>
      <div className="md-form bt-config">
        <h2>Train a model</h2>
        <div className="form-row">
          <label htmlFor="md-name">Name</label>
          <input
            id="md-name"
            type="text"
            maxLength={120}
            placeholder="optional"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          {server.request['name'] && (
            <span className="mb-field-error mb-inline-error">Name: {server.request['name']}</span>
          )}
        </div>
        <BacktestDataForm
          choice={data}
          syntheticSymbols={options?.syntheticSymbols ?? []}
          defaultSeed={options?.defaultSeed}
          onChange={setData}
          serverErrors={server.data}
        />
        <div className="form-row">
          <label htmlFor="md-symbol">Train on</label>
          <select id="md-symbol" value={chosenSymbol} onChange={(e) => setSymbol(e.target.value)}>
            {symbols.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          {server.request['symbol'] && (
            <span className="mb-field-error mb-inline-error">Symbol: {server.request['symbol']}</span>
          )}
        </div>
        <FeatureSetEditor draft={features} onChange={setFeatures} problems={featureProblems} />
        <fieldset>
          <legend>Label</legend>
          <div className="bt-source" role="radiogroup" aria-label="Label kind">
            {(['forward-return', 'triple-barrier'] as const).map((kind) => (
              <label key={kind} className="pick">
                <input
                  type="radio"
                  name="md-label-kind"
                  checked={labelKind === kind}
                  onChange={() => {
                    setLabelKind(kind);
                    setLabel({ values: LABEL_DEFAULTS[kind], valid: true });
                  }}
                />
                {kind === 'forward-return' ? 'Forward return' : 'Triple barrier'}
              </label>
            ))}
          </div>
          <p className="muted small">
            {labelKind === 'forward-return'
              ? '1 when the close a horizon later is up by more than the threshold, 0 when down by more; rows between are left out. Fractions: 0.001 = 0.1%.'
              : '1 when the target is reached before the stop within the horizon, else 0 (a bar touching both counts as the stop). Fractions: 0.02 = 2%.'}
          </p>
          <SchemaForm
            key={labelKind}
            label="Label"
            path="label"
            schema={LABEL_SCHEMAS[labelKind]}
            values={label.values}
            fields={LABEL_HINTS}
            errors={server.label}
            onChange={(values, valid) => setLabel({ values: { ...values, kind: labelKind }, valid })}
          />
        </fieldset>
        <details>
          <summary>Booster settings (XGBoost's names and defaults)</summary>
          <SchemaForm
            label="Booster settings"
            path="params"
            schema={BOOSTER_SCHEMA}
            values={booster.values}
            fields={BOOSTER_HINTS}
            errors={server.params}
            onChange={(values, valid) => setBooster({ values, valid })}
          />
        </details>
        <fieldset>
          <legend>Walk-forward</legend>
          <NumberField
            id="md-folds"
            label="Folds"
            schema={FOLDS_SCHEMA}
            value={folds}
            onChange={setFolds}
            serverError={server.request['folds']}
          />
          <div className="form-row">
            <label htmlFor="md-mode">Training window</label>
            <select id="md-mode" value={mode} onChange={(e) => setMode(e.target.value as TrainingWindowMode)}>
              {WALK_FORWARD_MODES.map((m) => (
                <option key={m} value={m}>
                  {m === 'expanding' ? 'Expanding (all bars before)' : 'Rolling (a fixed window)'}
                </option>
              ))}
            </select>
          </div>
          <NumberField
            id="md-threshold"
            label="Threshold"
            schema={THRESHOLD_SCHEMA}
            value={threshold}
            onChange={setThreshold}
            unit="probability"
            serverError={server.request['threshold']}
          />
          <p className="muted small">
            Each fold trains on bars before its test bars only, with a gap of at least the label's horizon
            between them; the final model trains on every row.
          </p>
        </fieldset>
        {trainError && (
          <div className="error-banner" role="alert" data-testid="train-error">
            {trainError}
          </div>
        )}
        <div className="md-submit">
          <SubmitButton blockedBy={blockedBy} busy={busy} onClick={submit} className="mb-btn primary">
            {busy ? 'Starting…' : 'Train'}
          </SubmitButton>
        </div>
      </div>
    </section>
  );
}
