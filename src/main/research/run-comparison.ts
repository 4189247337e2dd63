// Stored backtest runs side by side (two to four): every setting in which their setups differ.
import type {
  BacktestDataSpec,
  ComparedSetting,
  ConfigDifference,
  SettingSection,
  SettingValue,
} from '../../shared/domain/backtest';
import { getStrategy } from '../strategies';

/** What a comparison reads of a stored run's setup. */
export interface RunSetup {
  readonly data: BacktestDataSpec;
  readonly config: Readonly<Record<string, unknown>>;
}

const SECTION_OF: Readonly<Record<string, SettingSection>> = {
  data: 'data',
  strategy: 'strategy',
  strategies: 'strategy',
  risk: 'risk',
  venue: 'costs',
};
const SECTION_ORDER: readonly SettingSection[] = ['data', 'general', 'strategy', 'risk', 'costs'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A leaf as the comparison shows it; anything JSON cannot carry becomes its string form. */
function settingValue(value: unknown): SettingValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(settingValue);
  return String(value);
}

/**
 * Leaves of a setup by dotted path. Objects are walked; a list of objects (CSV files) is walked by index; a list of
 * plain values (symbols) is one leaf, so reordering it is a difference and adding one symbol is one line.
 */
export function flattenSettings(value: unknown, prefix = '', into = new Map<string, SettingValue>()) {
  if (isRecord(value)) {
    for (const key of Object.keys(value).sort()) {
      if (value[key] === undefined) continue;
      flattenSettings(value[key], prefix === '' ? key : `${prefix}.${key}`, into);
    }
  } else if (Array.isArray(value) && value.some((item) => isRecord(item) || Array.isArray(item))) {
    value.forEach((item, i) => {
      flattenSettings(item, `${prefix}.${i}`, into);
    });
  } else if (prefix !== '') {
    into.set(prefix, settingValue(value));
  }
  return into;
}

/** The strategy choice with its parameters' defaults filled in, so a default left alone equals the same value typed. */
function resolveChoice(choice: unknown): unknown {
  if (!isRecord(choice) || typeof choice.id !== 'string') return choice;
  try {
    const parsed = getStrategy(choice.id).params.safeParse(choice.params ?? {});
    return parsed.success ? { ...choice, params: parsed.data } : choice;
  } catch {
    return choice; // a strategy this version no longer has: compare the params as stored
  }
}

function resolvedSetup(run: RunSetup): Record<string, unknown> {
  const config: Record<string, unknown> = { ...run.config };
  config.strategy = resolveChoice(config.strategy);
  if (isRecord(config.strategies)) {
    config.strategies = Object.fromEntries(
      Object.entries(config.strategies).map(([symbol, choice]) => [symbol, resolveChoice(choice)]),
    );
  }
  return { ...config, data: run.data };
}

const sameValue = (a: SettingValue | undefined, b: SettingValue | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** Every setting in which the runs' setups are not all alike, grouped by section in the form's order; each with
 * every run's value (null where a run does not have the setting). */
export function configDifferences(runs: readonly RunSetup[]): ConfigDifference[] {
  const settings = runs.map((run) => flattenSettings(resolvedSetup(run)));
  const paths = [...new Set(settings.flatMap((leaves) => [...leaves.keys()]))];
  const differences: ConfigDifference[] = [];
  for (const path of paths) {
    const values = settings.map((leaves) => leaves.get(path));
    if (values.every((value) => sameValue(value, values[0]))) continue;
    differences.push({
      section: SECTION_OF[path.split('.')[0]!] ?? 'general',
      path,
      values: values.map((value): ComparedSetting => (value === undefined ? null : { value })),
    });
  }
  const rank = (d: ConfigDifference) => SECTION_ORDER.indexOf(d.section);
  return differences.sort((x, y) => rank(x) - rank(y) || x.path.localeCompare(y.path));
}
