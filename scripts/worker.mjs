// `npm run worker -- --redis redis://HOST:PORT [--concurrency N]`: a cluster worker for the research lab, from the
// prebuilt bundle (out/cli/worker.cjs; bullmq and ioredis are required from node_modules). When the sources are
// newer than the last build, it builds once first, like `npm run backtest`.
import { createRequire } from 'node:module';
import { build, buildIsStale, WORKER_CLI } from './lib.mjs';

if (buildIsStale()) {
  process.stderr.write('The sources changed since the last build: building once (npm run build)…\n');
  const code = await build();
  if (code !== 0) process.exit(code);
}
createRequire(import.meta.url)(WORKER_CLI);
