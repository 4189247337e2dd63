// What a session's model-driven strategies tell besides orders (StrategyOutputs): predictions, stored in the model
// registry under the session as each bar time commits, and notices (a model gone stale, fresh again, retrained),
// which become alerts in the bar's ledger batch. A recovery replays every bar through fresh strategies: its notices
// go to batches that are not committed again (no second alert), and its predictions are stored again only where a
// crash kept them from being stored, since the registry keeps a run's bar once per model.
import type { StrategyOutputs } from '../engine/strategy';
import type { ModelAccess } from '../research/signal-models';
import type { Prediction } from '../store/model-repo';
import type { RunRecorder } from './run-recorder';

export class RunOutputs implements StrategyOutputs {
  /** This bar time's predictions, by model id. */
  private readonly pending = new Map<string, Prediction[]>();

  constructor(
    private readonly sessionId: string,
    private readonly models: ModelAccess,
    private readonly recorder: RunRecorder,
  ) {}

  prediction(_symbol: string, modelId: string, time: number, value: number): void {
    let list = this.pending.get(modelId);
    if (list === undefined) {
      list = [];
      this.pending.set(modelId, list);
    }
    list.push({ time, value });
  }

  notice(
    _symbol: string,
    time: number,
    severity: 'info' | 'warning' | 'critical',
    kind: string,
    message: string,
  ): void {
    this.recorder.alert(time, severity, kind, message);
  }

  /** Stores the bar time's predictions (a session's predictions span its runs and restarts). */
  storePredictions(): void {
    for (const [modelId, predictions] of this.pending) {
      if (predictions.length === 0) continue;
      this.models.savePredictions(modelId, { kind: 'session', id: this.sessionId }, predictions);
      predictions.length = 0;
    }
  }
}
