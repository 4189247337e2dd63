// `npm run bench`: bundle the benchmarks the way the app ships its main process (one file, no module getters
// between engine modules), then run them in a fresh Node process. Figures go to bench-results.json.
import { join } from 'node:path';
import { bin, buildBacktestCli, ROOT, run } from './lib.mjs';

const outfile = join(ROOT, 'out', 'bench', 'index.cjs');
const bundled = await run(bin('esbuild'), [
  'bench/index.ts',
  '--bundle',
  '--platform=node',
  '--format=cjs',
  '--target=node20',
  '--log-level=warning',
  `--outfile=${outfile}`,
  '--external:better-sqlite3',
  '--external:keytar',
  '--external:playwright-core',
  // piscina starts its threads on its own worker.js beside its module: it cannot be bundled.
  '--external:piscina',
]);
if (bundled !== 0) process.exit(bundled);
// The research bench's worker threads run the research worker bundled beside it, as the app ships it.
const worker = await run(bin('esbuild'), [
  'src/main/research/research-worker.ts',
  '--bundle',
  '--platform=node',
  '--format=cjs',
  '--target=node20',
  '--log-level=warning',
  `--outfile=${join(ROOT, 'out', 'bench', 'research-worker.js')}`,
]);
if (worker !== 0) process.exit(worker);
// The data bench times `npm run backtest`'s bundle as a user runs it: build it from the current sources.
const cli = await buildBacktestCli();
if (cli !== 0) process.exit(cli);
process.exit(await run(process.execPath, [outfile, ...process.argv.slice(2)]));
