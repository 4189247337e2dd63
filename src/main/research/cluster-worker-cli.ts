// Entry of `npm run worker` (bundled to out/cli/worker.cjs by scripts/lib.mjs buildWorkerCli): see cluster-worker.ts.
// The same file runs the worker threads of --concurrency N.
import { isMainThread } from 'node:worker_threads';
import { runWorkerCli, runWorkerThread } from './cluster-worker';

if (isMainThread) void runWorkerCli(process.argv.slice(2), __filename).then((code) => process.exit(code));
else void runWorkerThread();
