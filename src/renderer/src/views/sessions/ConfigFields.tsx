// The fields of a session config, shared by the "New session" form and the config editor: where orders go, the
// market (synthetic or Alpaca), the strategy and its parameters, and the risk limits.
import { AccountRow } from '../../components/form/AccountRow';
import { RISK_HINTS } from '../../components/form/config-hints';
import { SchemaForm } from '../../components/form/SchemaForm';
import { StrategyPicker } from '../../components/form/StrategyPicker';
import { SymbolPicks } from '../../components/form/SymbolPicks';
import type { JsonSchema } from '../../components/form/schema-model';
import { TimeframeRow } from '../../components/form/TimeframeRow';
import { useCatalogueStore } from '../../stores/context';
import { alpacaExitProblem, alpacaSymbolsProblem, type ConfigDraft } from './session-config';
import { VenueChoice } from './VenueChoice';

export function ConfigFields({
  draft,
  onChange,
  idPrefix,
}: {
  draft: ConfigDraft;
  onChange: (draft: ConfigDraft) => void;
  idPrefix: string;
}) {
  const strategies = useCatalogueStore((s) => s.strategies);
  const options = useCatalogueStore((s) => s.options);
  const change = (patch: Partial<ConfigDraft>) => onChange({ ...draft, ...patch });
  const alpaca = draft.venue === 'alpaca-paper';
  const symbolsProblem = alpaca ? alpacaSymbolsProblem(draft.alpacaSymbols) : null;
  const exitProblem = alpacaExitProblem(draft, options?.riskSchema as JsonSchema | undefined);

  const timeframeRow = (
    <TimeframeRow
      id={`${idPrefix}-timeframe`}
      value={draft.timeframe}
      onChange={(timeframe) => change({ timeframe })}
    />
  );
  const cashRow = (
    <div className="form-row">
      <label htmlFor={`${idPrefix}-cash`}>{alpaca ? 'Capital' : 'Starting cash'}</label>
      <input
        id={`${idPrefix}-cash`}
        type="number"
        min={1}
        step={1000}
        className="num"
        value={Number.isFinite(draft.cash) ? draft.cash : ''}
        onChange={(e) => change({ cash: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
      />
      <span className="muted small">{alpaca ? '$ of the account’s buying power' : '$'}</span>
    </div>
  );

  return (
    <>
      <VenueChoice venue={draft.venue} onChange={(venue) => change({ venue })} idPrefix={idPrefix} />
      {alpaca ? (
        <fieldset>
          <legend>Market — Alpaca market data</legend>
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
          {symbolsProblem && <div className="mb-field-error">{symbolsProblem}</div>}
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
          {timeframeRow}
          {cashRow}
        </fieldset>
      ) : (
        <fieldset>
          <legend>Market — synthetic, live</legend>
          <SymbolPicks
            choices={options?.syntheticSymbols ?? []}
            picked={draft.symbols}
            onChange={(symbols) => change({ symbols })}
          />
          {draft.symbols.length === 0 && <div className="mb-field-error">Pick at least one symbol.</div>}
          {timeframeRow}
          <div className="form-row">
            <label htmlFor={`${idPrefix}-speed`}>Speed</label>
            <input
              id={`${idPrefix}-speed`}
              type="number"
              min={1}
              step={10}
              className="num"
              value={Number.isFinite(draft.speed) ? draft.speed : ''}
              onChange={(e) => change({ speed: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
            />
            <span className="muted small">× real time</span>
          </div>
          {cashRow}
          <AccountRow
            id={`${idPrefix}-account`}
            value={draft.account}
            onChange={(account) => change({ account })}
          />
        </fieldset>
      )}
      <StrategyPicker
        idPrefix={idPrefix}
        strategies={strategies}
        strategyId={draft.strategyId}
        params={draft.params}
        onChange={(strategyId, params) => change({ strategyId, params })}
      />
      {options && (
        <details>
          <summary>Risk</summary>
          <SchemaForm
            label="Risk"
            schema={options.riskSchema as JsonSchema}
            values={draft.risk.values}
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
