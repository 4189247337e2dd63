// `npm test`: typecheck, lint, unit, build, integration, end to end — in that order, stopping at the first failure,
// then one summary line a person (and CI) can read.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, build, ensureNativeAbi, ROOT, run, which } from './lib.mjs';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });

const vitest = (project) => async () => {
  const report = join(RESULTS, `${project}.json`);
  rmSync(report, { force: true });
  const args = [
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  const code =
    project === 'integration' ? await withKeyring(bin('vitest'), args) : await run(bin('vitest'), args);
  return { code, counts: readCounts(report), failures: readFailures(report) };
};

// The keychain tests need a Secret Service: a private D-Bus session with an unlocked gnome-keyring and a temporary
// HOME, so the developer's own keyring is never touched.
async function withKeyring(command, args) {
  if (!which('dbus-run-session') || !which('gnome-keyring-daemon')) {
    process.stdout.write(
      '(no dbus-run-session/gnome-keyring-daemon: keychain tests will report the keychain unavailable)\n',
    );
    return run(command, args);
  }
  const home = mkdtempSync(join(tmpdir(), 'marketboss-keyring-home-'));
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const script = `eval "$(printf pass | gnome-keyring-daemon --unlock --components=secrets --daemonize)"; export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK; exec ${quoted}`;
  try {
    return await run('dbus-run-session', ['--', 'sh', '-c', script], {
      env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, '.local/share'), MARKETBOSS_KEYRING: '1' },
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function readCounts(report) {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    return {
      passed: json.numPassedTests ?? 0,
      failed: json.numFailedTests ?? 0,
      skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
    };
  } catch {
    return undefined;
  }
}

// CI keeps only the end of what was printed: each failed test's name and the first lines of its error go into the
// summary, so the reason for a red run is never cut off.
function readFailures(report) {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const out = [];
    for (const file of json.testResults ?? []) {
      for (const test of file.assertionResults ?? []) {
        if (test.status !== 'failed') continue;
        const message = (test.failureMessages ?? [])
          .join('\n')
          .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
        const first = message
          .split('\n')
          .filter((line) => line.trim() !== '' && !line.includes('node_modules'))
          .slice(0, 6);
        // vitest's JSON keeps no message for a timeout, only this placeholder.
        if (first[0]?.includes('STACK_TRACE_ERROR'))
          first[0] = `no message from vitest (a timeout, usually): the test ran ${Math.round(test.duration ?? 0)} ms`;
        out.push(
          `  ✗ ${file.name.replace(`${ROOT}/`, '')} › ${test.fullName}\n${first.map((l) => `      ${l.slice(0, 300)}`).join('\n')}`,
        );
      }
      if ((file.assertionResults ?? []).length === 0 && file.status === 'failed' && file.message)
        out.push(
          `  ✗ ${file.name.replace(`${ROOT}/`, '')}: ${String(file.message).split('\n').slice(0, 6).join('\n      ')}`,
        );
    }
    return out;
  } catch {
    return [];
  }
}

const plain = (command, args) => async () => ({ code: await run(command, args) });

const STEPS = [
  ['native', async () => ({ code: await ensureNativeAbi('node') })],
  ['typecheck', plain(bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])],
  ['typecheck-web', plain(bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])],
  ['lint', plain(bin('biome'), ['check', '.'])],
  ['unit', vitest('unit')],
  // The integration and end-to-end suites start the built host (out/main/host.js), so the build comes first.
  ['build', async () => ({ code: await build() })],
  ['integration', vitest('integration')],
  ['e2e', vitest('e2e')],
];

const selected = only
  ? STEPS.filter(([name]) => name === only || name === 'build' || name === 'native')
  : STEPS;
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const failures = [];
let failedStep;

for (const [name, step] of selected) {
  process.stdout.write(`\n━━ ${name} ━━\n`);
  const started = Date.now();
  const { code, counts, failures: failed = [] } = await step();
  failures.push(...failed);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (counts) {
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  }
  const tally = counts
    ? ` (${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped)`
    : '';
  lines.push(`  ${code === 0 ? 'ok  ' : 'FAIL'} ${name.padEnd(14)} ${seconds.padStart(6)} s${tally}`);
  if (code !== 0) {
    failedStep = name;
    if (!counts || counts.failed === 0) totals.failed += 1; // a failed step without test counts still counts
    break;
  }
}

if (failures.length > 0) process.stdout.write(`\n━━ failures ━━\n${failures.join('\n')}\n`);
process.stdout.write(`\n━━ summary ━━\n${lines.join('\n')}\n`);
if (failedStep) process.stdout.write(`  stopped at ${failedStep}; later steps did not run\n`);
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failedStep ? 1 : 0);
