// Choose a strategy and set its parameters with a form generated from its schema; used by backtests and sessions.
// Bounds are checked in the page as the user types; rules across fields ("fast below slow") are checked by the
// strategy's own schema in main (strategy:check), so the form and the run refuse exactly the same values.
import { useContext, useEffect, useState } from 'react';
import { fieldLabel, problemsUnder } from '../../../../shared/api/field-errors';
import type { StrategyInfo } from '../../../../shared/domain/backtest';
import { ApiContext } from '../../api/context';
import { MODEL_PARAM, ModelPicker } from './ModelPicker';
import { SchemaForm, validateValues } from './SchemaForm';
import type { JsonSchema } from './schema-model';

export interface StrategyParams {
  readonly values: Record<string, unknown>;
  readonly valid: boolean;
  /** The first thing wrong with them, labelled ("Fast period: must be less than the slow period (20)"). */
  readonly problem?: string;
}

const PARAMS_PATH = 'strategy.params';

/** The first of a field map's messages, labelled as every refusal labels it. */
function firstProblem(errors: Readonly<Record<string, string>>): string | undefined {
  const first = Object.entries(errors)[0];
  return first && `${fieldLabel(`${PARAMS_PATH}.${first[0]}`)}: ${first[1]}`;
}

/** Parameters as the form reports them, with validity and the first problem known from the bounds. */
function checkedParams(schema: JsonSchema | undefined, values: Record<string, unknown>): StrategyParams {
  const errors = schema ? validateValues(schema, values) : {};
  const problem = firstProblem(errors);
  return { values, valid: problem === undefined, ...(problem !== undefined && { problem }) };
}

/** A strategy's parameters before the first edit: its defaults, with their validity already known. */
export function defaultParams(strategy: StrategyInfo | undefined): StrategyParams {
  return checkedParams(strategy?.paramsSchema as JsonSchema | undefined, {});
}

/** Saved parameters (a session's config) with their validity against the strategy's schema. */
export const defaultParamsOf = (
  schema: JsonSchema | undefined,
  values: Record<string, unknown>,
): StrategyParams => checkedParams(schema, values);

export function StrategyPicker({
  idPrefix,
  strategies,
  strategyId,
  params,
  onChange,
  serverErrors,
}: {
  readonly idPrefix: string;
  readonly strategies: readonly StrategyInfo[];
  readonly strategyId: string;
  readonly params: StrategyParams;
  readonly onChange: (strategyId: string, params: StrategyParams) => void;
  /** Main's refusal of the last submit, by parameter key. */
  readonly serverErrors?: Readonly<Record<string, string>>;
}) {
  const api = useContext(ApiContext);
  const strategy = strategies.find((s) => s.id === strategyId);
  const schema = strategy?.paramsSchema as JsonSchema | undefined;
  const valuesKey = JSON.stringify(params.values);
  // The strategy's own verdict on these values, once it has answered (keyed, so a late answer for old values is
  // never shown against new ones).
  const [checked, setChecked] = useState<{ key: string; errors: Record<string, string> } | null>(null);
  const checkKey = `${strategyId}|${valuesKey}`;

  useEffect(() => {
    if (!api || !schema || !params.valid) return;
    let current = true;
    const timer = setTimeout(() => {
      void api
        .call('strategy:check', { id: strategyId, params: JSON.parse(valuesKey) as Record<string, unknown> })
        .then((result) => {
          if (current && result.ok)
            setChecked({ key: checkKey, errors: problemsUnder(result.value.problems, PARAMS_PATH) });
        });
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, schema, strategyId, valuesKey, checkKey, params.valid]);

  const crossField = checked?.key === checkKey ? checked.errors : {};
  // A strategy trading a stored model gets a picker of registered models for it, not a text box for an id.
  const picksModel = schema?.properties?.[MODEL_PARAM] !== undefined;
  const crossProblem = firstProblem(crossField);
  // A rule across fields that the strategy refused makes the parameters invalid, with its words as the reason.
  useEffect(() => {
    if (crossProblem !== undefined && params.valid)
      onChange(strategyId, { values: params.values, valid: false, problem: crossProblem });
  }, [crossProblem, params, strategyId, onChange]);

  return (
    <fieldset>
      <legend>Strategy</legend>
      <div className="form-row">
        <label htmlFor={`${idPrefix}-strategy`}>Strategy</label>
        <select
          id={`${idPrefix}-strategy`}
          value={strategyId}
          onChange={(e) => {
            // A new strategy starts from its own defaults.
            onChange(e.target.value, defaultParams(strategies.find((s) => s.id === e.target.value)));
          }}
        >
          {strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {strategy && <p className="muted small">{strategy.description}</p>}
      {schema && picksModel && (
        <ModelPicker
          id={`${idPrefix}-model`}
          value={params.values[MODEL_PARAM] as string | undefined}
          error={serverErrors?.[MODEL_PARAM] ?? crossField[MODEL_PARAM]}
          onChange={(modelId) =>
            onChange(strategyId, checkedParams(schema, { ...params.values, [MODEL_PARAM]: modelId }))
          }
        />
      )}
      {schema && (
        <SchemaForm
          key={strategyId}
          label={`${strategy?.name ?? ''} parameters`}
          path={PARAMS_PATH}
          schema={schema}
          values={params.values}
          errors={{ ...serverErrors, ...crossField }}
          fields={picksModel ? { [MODEL_PARAM]: { hidden: true } } : undefined}
          onChange={(values) => onChange(strategyId, checkedParams(schema, values))}
        />
      )}
    </fieldset>
  );
}
