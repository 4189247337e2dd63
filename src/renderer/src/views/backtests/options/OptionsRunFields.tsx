// The Phase 4D SPY puts run in the Backtests form: the preset (which sets contracts, loss limits, costs and the
// account size), the SPY bars file, the volatility source (a CBOE VIX history file, or a synthetic VIX from SPY's
// realised volatility, labelled as such), the starting cash and the strategy's own parameters.
import type { OptionsBacktestInfo } from '../../../../../shared/domain/options-backtest';
import { inputSchemaOf, startingCashSchema } from '../../../../../shared/domain/run-limits';
import { formatMoney } from '../../../components/chart/format';
import { NumberField } from '../../../components/form/NumberField';
import { SchemaForm } from '../../../components/form/SchemaForm';
import type { JsonSchema } from '../../../components/form/schema-model';
import {
  formParamsSchema,
  type OptionsRunChoice,
  optionsRunProblem,
  paramField,
  withPreset,
} from './options-form-model';

const CASH_SCHEMA = inputSchemaOf(startingCashSchema) as JsonSchema;

const PARAM_HINTS = {
  maxVix: { label: 'Max VIX' },
  extremeRange: { label: 'Extreme range', unit: '$' },
  moderateRange: { label: 'Moderate range', unit: '$' },
  maxLossPerTrade: { unit: '$' },
  maxDailyLoss: { unit: '$' },
  commissionPerContract: { label: 'Commission per contract', unit: '$' },
};

export function OptionsRunFields({
  choice,
  info,
  onChange,
  serverErrors,
}: {
  readonly choice: OptionsRunChoice;
  readonly info: OptionsBacktestInfo | undefined;
  readonly onChange: (next: OptionsRunChoice) => void;
  /** Main's refusal of the last run by request field (`underlying.path`, `params.profitTarget`). */
  readonly serverErrors: Readonly<Record<string, string>>;
}) {
  const set = (patch: Partial<OptionsRunChoice>) => onChange({ ...choice, ...patch });
  const problem = optionsRunProblem(choice);
  const preset = info?.presets[choice.preset];
  const params: Record<string, string> = {};
  for (const [path, message] of Object.entries(serverErrors))
    if (path.startsWith('params.')) params[paramField(path)] = message;
  return (
    <fieldset className="bt-data bt-options-form" aria-label="Phase 4D SPY puts">
      <legend>Phase 4D SPY puts</legend>
      <div className="form-row">
        <label htmlFor="bt-opt-preset">Preset</label>
        <select
          id="bt-opt-preset"
          value={choice.preset}
          onChange={(e) => onChange(withPreset(choice, e.target.value as OptionsRunChoice['preset']))}
        >
          <option value="2k">2K account</option>
          <option value="25k">25K account</option>
        </select>
      </div>
      {preset && (
        <p className="muted small" data-testid="options-preset">
          {preset.contracts} contracts a trade · stop at {formatMoney(preset.maxLossPerTrade)} a trade,{' '}
          {formatMoney(preset.maxDailyLoss)} a day · target {formatMoney(preset.targetDailyPnl)} a day
        </p>
      )}
      <div className="bt-path">
        <label htmlFor="bt-opt-spy">SPY bars file (intraday, e.g. 5m)</label>
        <input
          id="bt-opt-spy"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="/home/me/data/SPY_5m.csv"
          value={choice.spyPath}
          aria-invalid={serverErrors['underlying.path'] !== undefined}
          onChange={(e) => set({ spyPath: e.target.value })}
        />
        {serverErrors['underlying.path'] && (
          <p className="mb-field-error">{serverErrors['underlying.path']}</p>
        )}
      </div>
      <div className="bt-source" role="radiogroup" aria-label="Volatility source">
        <label className="pick">
          <input
            type="radio"
            name="bt-opt-vol"
            value="csv"
            checked={choice.volSource === 'csv'}
            onChange={() => set({ volSource: 'csv' })}
          />
          CBOE VIX history file
        </label>
        <label className="pick">
          <input
            type="radio"
            name="bt-opt-vol"
            value="synthetic"
            checked={choice.volSource === 'synthetic'}
            onChange={() => set({ volSource: 'synthetic' })}
          />
          Synthetic VIX (realised volatility)
        </label>
      </div>
      {choice.volSource === 'csv' ? (
        <div className="bt-path">
          <label htmlFor="bt-opt-vix">VIX history file</label>
          <input
            id="bt-opt-vix"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/home/me/data/VIX_History.csv"
            value={choice.vixPath}
            aria-invalid={serverErrors['volatility.path'] !== undefined}
            onChange={(e) => set({ vixPath: e.target.value })}
          />
          <p className="muted small">
            CBOE's VIX_History.csv (DATE, OPEN, HIGH, LOW, CLOSE); it must have every session's close the SPY
            file needs.
          </p>
          {serverErrors['volatility.path'] && (
            <p className="mb-field-error">{serverErrors['volatility.path']}</p>
          )}
        </div>
      ) : (
        <p className="muted small">
          Not the real VIX: SPY's realised volatility over the previous 20 sessions, annualised. The first 20
          sessions of the file are warm-up.
        </p>
      )}
      <NumberField
        id="bt-opt-cash"
        label="Starting cash"
        unit="$"
        schema={CASH_SCHEMA}
        value={choice.cash}
        onChange={(cash) => set({ cash, cashEdited: true })}
        serverError={serverErrors['cash']}
      />
      {info && (
        <details>
          <summary>Strategy parameters</summary>
          <SchemaForm
            label="Phase 4D parameters"
            schema={formParamsSchema(info.paramsSchema) as JsonSchema}
            path="strategy.params"
            fields={PARAM_HINTS}
            values={choice.params}
            errors={params}
            onChange={(values, valid) => set({ params: values, paramsValid: valid })}
          />
        </details>
      )}
      {problem !== null && (choice.spyPath !== '' || choice.vixPath !== '') && (
        <p className="mb-field-error bt-data-problem" role="status" data-testid="options-problem">
          {problem}
        </p>
      )}
    </fieldset>
  );
}
