// The strategy's indicators on a session's chart as bars arrive: computed in main with the kernels the strategies
// trade on (the renderer imports no engine code). A snapshot carries them over the last bars (run-chart.ts); each
// processed bar's push then carries their values at that bar, fed by the same steppers through every bar the run
// sees (replayed, warm-up and live), so the live line continues the snapshot's.
import type { Bar } from '../../shared/domain/bars';
import type { SessionConfig } from '../strategies/run-config';
import { type IndicatorStepper, indicatorStepper, strategyIndicatorSpecs } from './indicator-lines';

/** Steppers per symbol, fed each bar the run processes; `step` answers the values a bar push carries. */
export class LiveIndicators {
  private readonly symbols = new Map<string, { steppers: IndicatorStepper[]; out: Float64Array[] }>();

  constructor(config: SessionConfig) {
    for (const symbol of config.symbols) {
      const steppers = strategyIndicatorSpecs(config, symbol).map((spec) =>
        indicatorStepper(spec, config.calendar),
      );
      this.symbols.set(symbol, { steppers, out: steppers.map((s) => new Float64Array(s.lines.length)) });
    }
  }

  /** Feeds `bar`; the values of every line at it, set by set (the snapshot's order), null while warming up. */
  step(symbol: string, bar: Bar): (number | null)[] | undefined {
    const entry = this.symbols.get(symbol);
    if (!entry || entry.steppers.length === 0) return undefined;
    const values: (number | null)[] = [];
    entry.steppers.forEach((stepper, k) => {
      const out = entry.out[k]!;
      stepper.step(bar, out);
      for (const v of out) values.push(Number.isFinite(v) ? v : null);
    });
    return values;
  }
}
