// Choose a strategy and set its parameters with a form generated from its schema; used by backtests and sessions.
import type { StrategyInfo } from '../../../../shared/domain/backtest';
import { SchemaForm, validateValues } from './SchemaForm';
import type { JsonSchema } from './schema-model';

export interface StrategyParams {
  readonly values: Record<string, unknown>;
  readonly valid: boolean;
}

/** A strategy's parameters before the first edit: its defaults, with their validity already known. */
export function defaultParams(strategy: StrategyInfo | undefined): StrategyParams {
  const schema = strategy?.paramsSchema as JsonSchema | undefined;
  return { values: {}, valid: !schema || Object.keys(validateValues(schema, {})).length === 0 };
}

export function StrategyPicker({
  idPrefix,
  strategies,
  strategyId,
  params,
  onChange,
}: {
  readonly idPrefix: string;
  readonly strategies: readonly StrategyInfo[];
  readonly strategyId: string;
  readonly params: StrategyParams;
  readonly onChange: (strategyId: string, params: StrategyParams) => void;
}) {
  const strategy = strategies.find((s) => s.id === strategyId);
  const schema = strategy?.paramsSchema as JsonSchema | undefined;
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
      {schema && (
        <SchemaForm
          key={strategyId}
          label={`${strategy?.name ?? ''} parameters`}
          schema={schema}
          values={params.values}
          onChange={(values, valid) => onChange(strategyId, { values, valid })}
        />
      )}
    </fieldset>
  );
}
