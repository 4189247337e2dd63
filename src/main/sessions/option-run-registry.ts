// The options runs the session page can ask about, by run id: the options run (option-run.ts) registers what it
// shows — its monitor and its option positions — and the service answers session:options-monitor and
// session:option-positions from here, so the API never reaches into a run's engine.
import { ApiFailure } from '../../shared/api/ports';
import type { OptionPositionRow, OptionsMonitor } from '../../shared/domain/options';

/** What an options run shows the page; computed when asked (the monitor with optionsMonitor from its ledger). */
export interface OptionRunView {
  monitor(): OptionsMonitor;
  positions(): readonly OptionPositionRow[];
}

export class OptionRunRegistry {
  private readonly views = new Map<string, OptionRunView>();

  /** Registers a run's view (replacing an earlier one of the same run, e.g. after recovery); returns its removal. */
  add(runId: string, view: OptionRunView): () => void {
    this.views.set(runId, view);
    return () => {
      if (this.views.get(runId) === view) this.views.delete(runId);
    };
  }

  get(runId: string): OptionRunView | undefined {
    return this.views.get(runId);
  }

  /**
   * The view of an options run, or an ApiFailure naming the run: `describe` says what the run is when it is not an
   * options run (its strategy), or undefined when there is no such run at all.
   */
  view(runId: string, describe: (runId: string) => string | undefined): OptionRunView {
    const view = this.views.get(runId);
    if (view) return view;
    const what = describe(runId);
    if (what === undefined) throw new ApiFailure('not-found', `no session run ${runId}`);
    throw new ApiFailure('not-found', `run ${runId} is not an options run (${what})`);
  }
}
