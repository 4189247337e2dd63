// "What the session trades" in the session form: its symbols with a strategy, or Phase 4D SPY puts (options on SPY:
// a preset and where the volatility comes from). Main checks the rest (run-config.ts) and names the field.
import type { FieldProblem } from '../../../../shared/api/field-errors';
import { problemsUnder } from '../../../../shared/api/field-errors';
import type { SessionVenue } from '../../../../shared/domain/session';
import type { OptionsDraft } from './session-config';

const DEFAULT_OPTIONS: OptionsDraft = { preset: '2k', volSource: 'synthetic', vixFile: '' };

export function OptionsChoice({
  options,
  venue,
  onChange,
  idPrefix,
  fieldErrors,
}: {
  readonly options: OptionsDraft | null;
  readonly venue: SessionVenue;
  readonly onChange: (options: OptionsDraft | null) => void;
  readonly idPrefix: string;
  readonly fieldErrors?: readonly FieldProblem[] | undefined;
}) {
  const name = `${idPrefix}-trades`;
  const server = problemsUnder(fieldErrors, 'config.options');
  const change = (patch: Partial<OptionsDraft>) => onChange({ ...(options ?? DEFAULT_OPTIONS), ...patch });
  return (
    <fieldset className="ss-venue" data-testid={`${idPrefix}-trades`}>
      <legend>What it trades</legend>
      <label className="ss-venue-option">
        <input type="radio" name={name} checked={options === null} onChange={() => onChange(null)} />
        <span>
          <strong>Symbols with a strategy</strong>
          <span className="muted"> — stocks, bars in and orders out</span>
        </span>
      </label>
      <label className="ss-venue-option">
        <input
          type="radio"
          name={name}
          checked={options !== null}
          onChange={() => onChange(options ?? DEFAULT_OPTIONS)}
        />
        <span>
          <strong>Phase 4D SPY puts</strong>
          <span className="muted">
            {' '}
            — in-the-money puts on SPY 30 min after the open, out at +50%, the loss limit or 10 min before the
            close
          </span>
        </span>
      </label>
      {options !== null && (
        <>
          <div className="form-row">
            <label htmlFor={`${idPrefix}-preset`}>Preset</label>
            <select
              id={`${idPrefix}-preset`}
              value={options.preset}
              onChange={(e) => change({ preset: e.target.value === '25k' ? '25k' : '2k' })}
            >
              <option value="2k">2K — 2 contracts, $500 daily / $200 trade loss limits</option>
              <option value="25k">25K — 25 contracts, $1,500 / $1,000</option>
            </select>
          </div>
          <div className="form-row">
            <label htmlFor={`${idPrefix}-vol-source`}>Volatility</label>
            <select
              id={`${idPrefix}-vol-source`}
              value={options.volSource}
              onChange={(e) => {
                const value = e.target.value;
                change({ volSource: value === 'csv' ? 'csv' : value === 'alpaca' ? 'alpaca' : 'synthetic' });
              }}
            >
              <option value="synthetic">Synthetic VIX (SPY’s realised volatility, labelled)</option>
              <option value="csv">CBOE VIX_History.csv file</option>
              {venue === 'alpaca-paper' && <option value="alpaca">Alpaca’s VIX index values</option>}
            </select>
          </div>
          {options.volSource === 'csv' && (
            <div className="form-row">
              <label htmlFor={`${idPrefix}-vix-file`}>VIX file</label>
              <input
                id={`${idPrefix}-vix-file`}
                type="text"
                className="mono"
                placeholder="/path/to/VIX_History.csv"
                value={options.vixFile}
                onChange={(e) => change({ vixFile: e.target.value })}
              />
            </div>
          )}
          {Object.entries(server).map(([field, message]) => (
            <div key={field} className="mb-field-error">
              {field === '' ? '' : `${field}: `}
              {message}
            </div>
          ))}
        </>
      )}
    </fieldset>
  );
}
