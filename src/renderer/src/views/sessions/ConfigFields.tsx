// The fields of a session config, shared by the "New session" form and the config editor: where orders go, the
// market (synthetic or Alpaca), the strategy and its parameters, and the risk limits.

import { type FieldProblem, fieldLabel, problemsUnder } from '../../../../shared/api/field-errors';
import { PRESET_ACCOUNT_SIZE } from '../../../../shared/domain/options-backtest';
import { parseSymbols, withSymbol } from '../../components/alpaca/symbols';
import { AccountRow } from '../../components/form/AccountRow';
import { RISK_HINTS } from '../../components/form/config-hints';
import { NumberField } from '../../components/form/NumberField';
import { SchemaForm } from '../../components/form/SchemaForm';
import { StrategyPicker } from '../../components/form/StrategyPicker';
import { SymbolPicks } from '../../components/form/SymbolPicks';
import type { JsonSchema } from '../../components/form/schema-model';
import { TimeframeRow } from '../../components/form/TimeframeRow';
import { SymbolFinder } from '../../components/symbols/SymbolFinder';
import { useCatalogueStore } from '../../stores/context';
import { OptionsChoice } from './OptionsChoice';
import {
  alpacaExitProblem,
  alpacaSymbolsProblem,
  CASH_SCHEMA,
  type ConfigDraft,
  SPEED_SCHEMA,
} from './session-config';
import { VenueChoice } from './VenueChoice';

export function ConfigFields({
  draft,
  onChange,
  idPrefix,
  fieldErrors,
}: {
  draft: ConfigDraft;
  onChange: (draft: ConfigDraft) => void;
  idPrefix: string;
  /** Main's refusal of the last save, by field (paths under the call: config.cash …). */
  fieldErrors?: readonly FieldProblem[] | undefined;
}) {
  const strategies = useCatalogueStore((s) => s.strategies);
  const options = useCatalogueStore((s) => s.options);
  const change = (patch: Partial<ConfigDraft>) => onChange({ ...draft, ...patch });
  const alpaca = draft.venue === 'alpaca-paper';
  /** Phase 4D SPY puts: no symbols to pick, no equity strategy or risk settings. */
  const puts = draft.options !== null;
  const symbolsProblem = alpaca && !puts ? alpacaSymbolsProblem(draft.alpacaSymbols) : null;
  const exitProblem = alpacaExitProblem(draft, options?.riskSchema as JsonSchema | undefined);
  const server = {
    config: problemsUnder(fieldErrors, 'config'),
    feed: problemsUnder(fieldErrors, 'config.feed'),
    params: problemsUnder(fieldErrors, 'config.strategy.params'),
    risk: problemsUnder(fieldErrors, 'config.risk'),
  };

  const timeframeRow = (
    <TimeframeRow
      id={`${idPrefix}-timeframe`}
      value={draft.timeframe}
      onChange={(timeframe) => change({ timeframe })}
    />
  );
  const cashRow = (
    <NumberField
      id={`${idPrefix}-cash`}
      label={alpaca ? 'Capital' : fieldLabel('config.cash')}
      schema={CASH_SCHEMA}
      value={draft.cash}
      onChange={(cash) => change({ cash })}
      unit={alpaca ? '$ of the account’s buying power' : '$'}
      serverError={server.config['cash']}
    />
  );

  return (
    <>
      <VenueChoice venue={draft.venue} onChange={(venue) => change({ venue })} idPrefix={idPrefix} />
      <OptionsChoice
        options={draft.options}
        venue={draft.venue}
        onChange={(options) =>
          // A preset is an account size: the starting cash follows it (the user may still change it).
          change(
            options !== null && options.preset !== draft.options?.preset
              ? { options, cash: PRESET_ACCOUNT_SIZE[options.preset] }
              : { options },
          )
        }
        idPrefix={idPrefix}
        fieldErrors={fieldErrors}
      />
      {alpaca ? (
        <fieldset>
          <legend>Market — Alpaca market data</legend>
          {!puts && (
            <>
              <div className="form-row">
                <label htmlFor={`${idPrefix}-alpaca-symbols`}>Symbols</label>
                <input
                  id={`${idPrefix}-alpaca-symbols`}
                  type="text"
                  className="mono"
                  placeholder="SPY, AAPL"
                  autoComplete="off"
                  spellCheck={false}
                  value={draft.alpacaSymbols}
                  onChange={(e) => change({ alpacaSymbols: e.target.value })}
                />
              </div>
              <SymbolFinder
                source="alpaca"
                picked={parseSymbols(draft.alpacaSymbols)}
                onAdd={(symbol) => change({ alpacaSymbols: withSymbol(draft.alpacaSymbols, symbol) })}
              />
              {symbolsProblem && <div className="mb-field-error">{symbolsProblem}</div>}
            </>
          )}
          <div className="form-row">
            <label htmlFor={`${idPrefix}-data-feed`}>Data feed</label>
            <select
              id={`${idPrefix}-data-feed`}
              value={draft.alpacaFeed}
              onChange={(e) => change({ alpacaFeed: e.target.value === 'sip' ? 'sip' : 'iex' })}
              aria-describedby={`${idPrefix}-data-feed-hint`}
            >
              <option value="iex">IEX</option>
              <option value="sip">SIP</option>
            </select>
          </div>
          <p id={`${idPrefix}-data-feed-hint`} className="ss-hint muted small">
            IEX comes with every Alpaca account; SIP (all US exchanges) needs a paid market-data plan.
          </p>
          {!puts && (
            <>
              <div className="form-row">
                <label htmlFor={`${idPrefix}-shadow`}>Simulator twin</label>
                <input
                  id={`${idPrefix}-shadow`}
                  type="checkbox"
                  checked={draft.shadow}
                  onChange={(e) => change({ shadow: e.target.checked })}
                  aria-describedby={`${idPrefix}-shadow-hint`}
                />
              </div>
              <p id={`${idPrefix}-shadow-hint`} className="ss-hint muted small">
                The simulator on the same live bars, to compare its fills with Alpaca’s.
              </p>
            </>
          )}
          {timeframeRow}
          {cashRow}
        </fieldset>
      ) : (
        <fieldset>
          <legend>Market — synthetic, live</legend>
          {puts ? (
            <p className="muted small">A synthetic SPY: the option prices are modelled from it (labelled).</p>
          ) : (
            <>
              <SymbolPicks
                choices={options?.syntheticSymbols ?? []}
                picked={draft.symbols}
                onChange={(symbols) => change({ symbols })}
              />
              {draft.symbols.length === 0 && <div className="mb-field-error">Pick at least one symbol.</div>}
            </>
          )}
          {timeframeRow}
          <NumberField
            id={`${idPrefix}-speed`}
            label={fieldLabel('config.feed.speed')}
            schema={SPEED_SCHEMA}
            value={draft.speed}
            onChange={(speed) => change({ speed })}
            unit="× real time"
            serverError={server.feed['speed']}
          />
          {cashRow}
          <AccountRow
            id={`${idPrefix}-account`}
            value={draft.account}
            onChange={(account) => change({ account })}
          />
        </fieldset>
      )}
      {!puts && (
        <StrategyPicker
          idPrefix={idPrefix}
          strategies={strategies}
          strategyId={draft.strategyId}
          params={draft.params}
          serverErrors={server.params}
          onChange={(strategyId, params) => change({ strategyId, params })}
        />
      )}
      {options && !puts && (
        <details>
          <summary>Risk</summary>
          <SchemaForm
            label="Risk"
            schema={options.riskSchema as JsonSchema}
            path="risk"
            values={draft.risk.values}
            errors={server.risk}
            fields={RISK_HINTS}
            onChange={(values, valid) => change({ risk: { values, valid } })}
          />
        </details>
      )}
      {exitProblem && (
        <div className="mb-field-error" role="alert">
          {exitProblem}
        </div>
      )}
    </>
  );
}
