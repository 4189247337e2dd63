// The parts of a backtest's configuration — data, starting cash, account, strategy and its parameters, risk, fills
// and costs — as one form state and one fieldset. The Backtests form and the Research form (optimise,
// walk-forward) both compose a run this way, so they read, check and send it the same way.
import { useEffect, useState } from 'react';
import { fieldLabel } from '../../../../shared/api/field-errors';
import type { BacktestOptionsInfo, StrategyInfo } from '../../../../shared/domain/backtest';
import { inputSchemaOf, startingCashSchema } from '../../../../shared/domain/run-limits';
import { AccountRow, type AccountType } from '../../components/form/AccountRow';
import { RISK_HINTS, VENUE_HINTS } from '../../components/form/config-hints';
import { NumberField, numberProblem } from '../../components/form/NumberField';
import { SchemaForm } from '../../components/form/SchemaForm';
import { defaultParams, type StrategyParams, StrategyPicker } from '../../components/form/StrategyPicker';
import { firstFormProblem, type JsonSchema } from '../../components/form/schema-model';
import {
  BacktestDataForm,
  type DataChoice,
  DEFAULT_DATA_CHOICE,
  dataProblem,
  dataRequest,
} from './BacktestDataForm';

const CASH_SCHEMA = inputSchemaOf(startingCashSchema) as JsonSchema;

/** A schema-generated part of the form: its values and whether every field is valid. */
export interface FormPart {
  readonly values: Record<string, unknown>;
  readonly valid: boolean;
}
const EMPTY_PART: FormPart = { values: {}, valid: true };

export interface RunConfigForm {
  readonly data: DataChoice;
  readonly setData: (data: DataChoice) => void;
  readonly cash: number;
  readonly setCash: (cash: number) => void;
  readonly account: AccountType;
  readonly setAccount: (account: AccountType) => void;
  readonly strategyId: string;
  readonly strategy: StrategyInfo | undefined;
  readonly params: StrategyParams;
  readonly chooseStrategy: (id: string, params: StrategyParams) => void;
  readonly risk: FormPart;
  readonly setRisk: (risk: FormPart) => void;
  readonly venue: FormPart;
  readonly setVenue: (venue: FormPart) => void;
  /** Why the run cannot be sent, in words: the first problem in the order the form shows its parts; null = none. */
  readonly blockedBy: string | null;
  /** The data and config parts of a backtest (or research) request. */
  request(): { data: ReturnType<typeof dataRequest>; config: RunConfigRequest };
}

/** A type, not an interface: requests take it as a plain record. */
export type RunConfigRequest = {
  readonly cash: number;
  readonly strategy: { readonly id: string; readonly params: Record<string, unknown> };
  readonly risk: Record<string, unknown>;
  readonly venue: Record<string, unknown>;
  readonly account: { readonly type: AccountType };
};

export function useRunConfigForm(
  strategies: readonly StrategyInfo[],
  options: BacktestOptionsInfo | null,
): RunConfigForm {
  const [data, setData] = useState<DataChoice>(DEFAULT_DATA_CHOICE);
  const [cash, setCash] = useState(100_000);
  const [account, setAccount] = useState<AccountType>('cash');
  const [strategyId, setStrategyId] = useState('sma-crossover');
  const [params, setParams] = useState<StrategyParams>({ values: {}, valid: true });
  const [risk, setRisk] = useState<FormPart>(EMPTY_PART);
  const [venue, setVenue] = useState<FormPart>(EMPTY_PART);

  const strategy = strategies.find((s) => s.id === strategyId);
  useEffect(() => {
    // Once the strategies arrive, the chosen one starts from its defaults with their validity known.
    setParams(defaultParams(strategy));
  }, [strategy]);

  const cashProblem = numberProblem(CASH_SCHEMA, cash);
  const blockedBy =
    dataProblem(data) ??
    (cashProblem !== undefined ? `Starting cash: ${cashProblem}` : null) ??
    (params.valid ? null : (params.problem ?? 'Strategy parameters: fix the marked field')) ??
    (risk.valid
      ? null
      : (firstFormProblem(options?.riskSchema as JsonSchema | undefined, risk.values, 'risk') ??
        'Risk: fix the marked field')) ??
    (venue.valid
      ? null
      : (firstFormProblem(options?.venueSchema as JsonSchema | undefined, venue.values, 'venue') ??
        'Fills and costs: fix the marked field'));

  return {
    data,
    setData,
    cash,
    setCash,
    account,
    setAccount,
    strategyId,
    strategy,
    params,
    chooseStrategy: (id, next) => {
      setStrategyId(id);
      setParams(next);
    },
    risk,
    setRisk,
    venue,
    setVenue,
    blockedBy,
    request: () => ({
      data: dataRequest(data, options?.defaultSeed ?? 1),
      config: {
        cash,
        strategy: { id: strategyId, params: params.values },
        risk: risk.values,
        venue: venue.values,
        account: { type: account },
      },
    }),
  };
}

/** Main's refusal of the last request, by part: field name → problem. */
export interface RunConfigErrors {
  readonly data: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly risk: Readonly<Record<string, string>>;
  readonly venue: Readonly<Record<string, string>>;
}

/** A folding section's open state, when the view remembers it. */
export type PanelState = (name: 'risk' | 'costs') => {
  readonly open: boolean;
  readonly onToggle: (open: boolean) => void;
};

export function RunConfigFields({
  form,
  idPrefix,
  strategies,
  options,
  serverErrors,
  panel,
}: {
  readonly form: RunConfigForm;
  readonly idPrefix: string;
  readonly strategies: readonly StrategyInfo[];
  readonly options: BacktestOptionsInfo | null;
  readonly serverErrors: RunConfigErrors;
  readonly panel?: PanelState;
}) {
  const folding = (name: 'risk' | 'costs') => {
    const state = panel?.(name);
    return state === undefined
      ? {}
      : {
          open: state.open,
          onToggle: (e: React.SyntheticEvent<HTMLDetailsElement>) => state.onToggle(e.currentTarget.open),
        };
  };
  return (
    <>
      <BacktestDataForm
        choice={form.data}
        syntheticSymbols={options?.syntheticSymbols ?? []}
        defaultSeed={options?.defaultSeed}
        onChange={form.setData}
        serverErrors={serverErrors.data}
      />
      <NumberField
        id={`${idPrefix}-cash`}
        label={fieldLabel('config.cash')}
        unit="$"
        schema={CASH_SCHEMA}
        value={form.cash}
        onChange={form.setCash}
        serverError={serverErrors.config['cash']}
      />
      <AccountRow id={`${idPrefix}-account`} value={form.account} onChange={form.setAccount} />
      <StrategyPicker
        idPrefix={idPrefix}
        strategies={strategies}
        strategyId={form.strategyId}
        params={form.params}
        serverErrors={serverErrors.params}
        onChange={form.chooseStrategy}
      />
      {options && (
        <details {...folding('risk')}>
          <summary>Risk</summary>
          <SchemaForm
            label="Risk"
            schema={options.riskSchema as JsonSchema}
            path="risk"
            values={form.risk.values}
            errors={serverErrors.risk}
            fields={RISK_HINTS}
            onChange={(values, valid) => form.setRisk({ values, valid })}
          />
        </details>
      )}
      {options && (
        <details {...folding('costs')}>
          <summary>Fills and costs</summary>
          <SchemaForm
            label="Fills and costs"
            schema={options.venueSchema as JsonSchema}
            path="venue"
            values={form.venue.values}
            errors={serverErrors.venue}
            fields={VENUE_HINTS}
            onChange={(values, valid) => form.setVenue({ values, valid })}
          />
        </details>
      )}
    </>
  );
}
