// Helpers shared by the npm scripts (start, test, package): run a step, find Electron, keep native modules on the right ABI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { electronBinary } from './electron-runtime.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'node_modules', '.bin');

/** Runs a command with inherited output; resolves to its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      process.stderr.write(`cannot run ${command}: ${error.message}\n`);
      resolveRun(1);
    });
  });
}

export const bin = (name) => join(BIN, name);

// ---- build freshness: out/ is rebuilt when any source is newer than the last build ----
const BUILD_STAMP = join(ROOT, 'out', '.build-stamp');
const BUILD_INPUTS = ['src', 'package.json', 'electron.vite.config.ts'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function buildIsStale() {
  if (!existsSync(BUILD_STAMP)) return true;
  const built = statSync(BUILD_STAMP).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtime(join(ROOT, input)) > built);
}

/** The command-line backtester: one CommonJS file with its dependencies inside (zod included), so it starts fast. */
export const BACKTEST_CLI = join(ROOT, 'out', 'cli', 'backtest.cjs');

export function buildBacktestCli() {
  return run(bin('esbuild'), [
    'src/main/research/cli.ts',
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node20',
    '--log-level=warning',
    // The OS keychain (read for Alpaca keys) is a native module: loaded from node_modules when asked, never bundled.
    '--external:keytar',
    `--outfile=${BACKTEST_CLI}`,
  ]);
}

/** The command-line research lab (`npm run research`), bundled the same way. */
export const RESEARCH_CLI = join(ROOT, 'out', 'cli', 'research.cjs');

export function buildResearchCli() {
  return run(bin('esbuild'), [
    'src/main/research-main.ts',
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node20',
    '--log-level=warning',
    // From node_modules: the native SQLite binding (replay-parity reads the app's database), piscina (it starts its
    // threads on its own worker file) and the cluster's bullmq and ioredis (runtime requires of optional drivers).
    '--external:better-sqlite3',
    '--external:piscina',
    '--external:bullmq',
    '--external:ioredis',
    `--outfile=${RESEARCH_CLI}`,
  ]);
}

/** The command-line ML tools (`npm run ml`: fit, predict, train), bundled the same way; all pure TypeScript. */
export const ML_CLI = join(ROOT, 'out', 'cli', 'ml.cjs');

export function buildMlCli() {
  return run(bin('esbuild'), [
    'src/main/ml-main.ts',
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node20',
    '--log-level=warning',
    // Kept out in case a registered subcommand reaches the research executors (piscina starts its own worker file).
    '--external:better-sqlite3',
    '--external:piscina',
    '--external:bullmq',
    '--external:ioredis',
    `--outfile=${ML_CLI}`,
  ]);
}

/**
 * The cluster worker (`npm run worker`): one CommonJS file like the backtester, except bullmq and ioredis, which stay
 * requires from node_modules (bullmq loads ioredis and its optional drivers with runtime requires).
 */
export const WORKER_CLI = join(ROOT, 'out', 'cli', 'worker.cjs');

export function buildWorkerCli() {
  return run(bin('esbuild'), [
    'src/main/research/cluster-worker-cli.ts',
    '--bundle',
    '--platform=node',
    '--format=cjs',
    '--target=node20',
    '--log-level=warning',
    '--external:bullmq',
    '--external:ioredis',
    `--outfile=${WORKER_CLI}`,
  ]);
}

export async function build() {
  let code = await run(bin('electron-vite'), ['build', '--logLevel', 'warn']);
  if (code === 0) code = await buildBacktestCli();
  if (code === 0) code = await buildResearchCli();
  if (code === 0) code = await buildWorkerCli();
  if (code === 0) code = await buildMlCli();
  if (code === 0) writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
  return code;
}

// ---- native modules: one ABI at a time, recorded in a marker so we rebuild only on a switch ----
// better-sqlite3 and keytar are compiled for Node by `npm ci` (tests, host mode). The desktop app needs them
// compiled for Electron's ABI; `npm start` switches them when it launches Electron and `npm test` switches back.
const ABI_MARKER = join(ROOT, 'node_modules', '.marketboss-native-abi');
const NATIVE_MODULES = ['better-sqlite3', 'keytar'];

export function currentNativeAbi() {
  return existsSync(ABI_MARKER) ? readFileSync(ABI_MARKER, 'utf8').trim() : 'node';
}

export async function ensureNativeAbi(target) {
  if (currentNativeAbi() === target) return 0;
  process.stdout.write(`Rebuilding native modules (${NATIVE_MODULES.join(', ')}) for ${target}…\n`);
  const code =
    target === 'node'
      ? await run('npm', ['rebuild', ...NATIVE_MODULES])
      : await run(bin('electron-builder'), ['install-app-deps']);
  if (code === 0) writeFileSync(ABI_MARKER, `${target}\n`);
  return code;
}

export function which(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}
