// The run list's filter bar: words, then a tag, a strategy and a symbol picked from what the runs have.
import { useMemo } from 'react';
import type { BacktestSummary } from '../../../../shared/domain/backtest';
import { isFiltering, NO_RUN_FILTER, type RunFilter, runFilterChoices } from './run-filter';

function Pick({
  id,
  label,
  all,
  value,
  options,
  onPick,
}: {
  readonly id: string;
  readonly label: string;
  readonly all: string;
  readonly value: string | null;
  readonly options: readonly string[];
  readonly onPick: (value: string | null) => void;
}) {
  return (
    <select
      id={id}
      aria-label={label}
      value={value ?? ''}
      onChange={(e) => onPick(e.target.value === '' ? null : e.target.value)}
    >
      <option value="">{all}</option>
      {options.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

export function RunFilters({
  runs,
  filter,
  shown,
  onChange,
}: {
  readonly runs: readonly BacktestSummary[];
  readonly filter: RunFilter;
  /** How many runs the filter lets through. */
  readonly shown: number;
  readonly onChange: (filter: RunFilter) => void;
}) {
  const choices = useMemo(() => runFilterChoices(runs), [runs]);
  return (
    <search className="bt-run-filters" aria-label="Find runs">
      <input
        type="search"
        id="bt-run-find"
        aria-label="Find runs by name, note, tag, strategy or symbol"
        placeholder="Find runs…"
        value={filter.text}
        onChange={(e) => onChange({ ...filter, text: e.target.value })}
      />
      <Pick
        id="bt-run-tag"
        label="Filter by tag"
        all="Any tag"
        value={filter.tag}
        options={choices.tags}
        onPick={(tag) => onChange({ ...filter, tag })}
      />
      <Pick
        id="bt-run-strategy"
        label="Filter by strategy"
        all="Any strategy"
        value={filter.strategyId}
        options={choices.strategies}
        onPick={(strategyId) => onChange({ ...filter, strategyId })}
      />
      <Pick
        id="bt-run-symbol"
        label="Filter by symbol"
        all="Any symbol"
        value={filter.symbol}
        options={choices.symbols}
        onPick={(symbol) => onChange({ ...filter, symbol })}
      />
      {isFiltering(filter) && (
        <>
          <span className="muted small" data-testid="bt-run-count">
            {shown} of {runs.length}
          </span>
          <button type="button" className="chip" onClick={() => onChange(NO_RUN_FILTER)}>
            Clear
          </button>
        </>
      )}
    </search>
  );
}
