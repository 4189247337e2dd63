// Worker-thread entry: runs one backtest off the main thread so the UI and live sessions never wait for it.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError } from '../strategies/run-config';
import { type BacktestJobRequest, executeBacktestJob } from './backtest-job';
import { executeOptionsBacktestJob, type OptionsJobRequest } from './options-backtest-job';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly outcome: ReturnType<typeof executeBacktestJob> }
  | { readonly type: 'error'; readonly message: string };

const port = parentPort;
if (port) {
  try {
    const request = workerData as BacktestJobRequest | OptionsJobRequest;
    const outcome =
      'kind' in request && request.kind === 'options'
        ? executeOptionsBacktestJob(request)
        : executeBacktestJob(request as BacktestJobRequest, (done, total) =>
            port.postMessage({ type: 'progress', done, total } satisfies WorkerMessage),
          );
    // Transfer the curves instead of copying them: they can be tens of megabytes.
    const transfer = [
      outcome.equityTime,
      outcome.equity,
      outcome.drawdown,
      outcome.benchmarkTime,
      outcome.benchmark,
    ].map((column) => column.buffer as ArrayBuffer);
    port.postMessage({ type: 'done', outcome } satisfies WorkerMessage, transfer);
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? `config.${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    port.postMessage({ type: 'error', message } satisfies WorkerMessage);
  }
}
