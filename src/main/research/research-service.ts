// The research lab in the app: runs optimisation, walk-forward and Monte Carlo requests on the local executor,
// reports progress as `research-progress` pushes, and keeps every run and its result in SQLite like backtest runs.

import { ApiFailure } from '../../shared/api/ports';
import type { ResearchDetail, ResearchRequest, ResearchSummary } from '../../shared/domain/research';

export interface ResearchService {
  /** Checks the request whole (parameters known to the strategy, windows inside the data …) before any work starts. */
  run(request: ResearchRequest): Promise<{ readonly id: string }>;
  cancel(id: string): { readonly canceled: boolean };
  list(): readonly ResearchSummary[];
  get(id: string): ResearchDetail;
  delete(id: string): { readonly deleted: boolean };
  close(): Promise<void>;
}

// TODO(#13): replaced by the lab's service (optimise, walk-forward, Monte Carlo on the local executor).
export function createResearchService(): ResearchService {
  const unavailable = (): never => {
    throw new ApiFailure('unavailable', 'the research lab is not built yet');
  };
  return {
    run: async () => unavailable(),
    cancel: unavailable,
    list: () => [],
    get: unavailable,
    delete: unavailable,
    close: async () => {},
  };
}
