// Entry of `npm run worker` (bundled to out/cli/worker.cjs by scripts/lib.mjs buildWorkerCli): see cluster-worker.ts.
import { runWorkerCli } from './cluster-worker';

void runWorkerCli(process.argv.slice(2)).then((code) => process.exit(code));
