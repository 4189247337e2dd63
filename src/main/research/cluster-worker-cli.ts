// Entry of `npm run worker` (bundled to out/cli/worker.cjs by scripts/lib.mjs buildWorkerCli): see cluster-worker.ts.
// The same file runs the worker's compute threads (cluster-compute.ts).
import { isMainThread } from 'node:worker_threads';
import { runComputeThread } from './cluster-compute';
import { runWorkerCli } from './cluster-worker';

if (isMainThread) void runWorkerCli(process.argv.slice(2), __filename).then((code) => process.exit(code));
else runComputeThread();
