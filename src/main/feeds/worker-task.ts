// Work that must not hold the main thread (reading and parsing a user's file) runs as one task in a worker thread:
// the main thread only posts the task and takes the answer, so API calls and a live session's bars never wait.
import { parentPort, type TransferListItem, Worker, workerData } from 'node:worker_threads';
import { DataFileError } from './errors';

/**
 * A worker thread on `script`: a built entry (.js), or a TypeScript source (tests, tsx runs), for which tsx is
 * registered inside the thread first. `transferList` moves buffers of `data` instead of copying them.
 */
export function startWorker(
  script: string,
  data: unknown,
  transferList?: readonly TransferListItem[],
): Worker {
  const options = {
    workerData: data,
    ...(transferList !== undefined && { transferList: [...transferList] }),
  };
  if (!script.endsWith('.ts')) return new Worker(script, options);
  const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(script)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** What a task's worker posts back: its value, or why not (a problem with the user's file, or our failure). */
type TaskAnswer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly dataProblem: boolean; readonly message: string };

/**
 * Runs `task` in a fresh worker thread on `script` (an entry that calls answerTask) and resolves with its value.
 * A DataFileError thrown in the worker is thrown here as a DataFileError with the same message (the user's input);
 * anything else as an Error.
 */
export function runWorkerTask<T>(script: string, task: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker(script, task);
    let answered = false;
    worker.once('message', (answer: TaskAnswer<T>) => {
      answered = true;
      void worker.terminate();
      if (answer.ok) resolve(answer.value);
      else reject(answer.dataProblem ? new DataFileError(answer.message) : new Error(answer.message));
    });
    worker.once('error', (error) => {
      answered = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the file worker stopped before answering (exit code ${code})`));
    });
  });
}

/** Inside a task's worker: runs `run` on the task it was started with and posts the answer (buffers moved). */
export function answerTask<Task, T>(
  run: (task: Task) => { readonly value: T; readonly transfer?: readonly ArrayBuffer[] },
): void {
  const port = parentPort;
  if (!port) return;
  let answer: TaskAnswer<T>;
  let transfer: readonly ArrayBuffer[] = [];
  try {
    const done = run(workerData as Task);
    answer = { ok: true, value: done.value };
    transfer = done.transfer ?? [];
  } catch (error) {
    answer = {
      ok: false,
      dataProblem: error instanceof DataFileError,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(answer, [...transfer]);
}
