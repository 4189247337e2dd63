// `npm run setup`: everything a fresh machine needs before `npm start` and `npm test` — the system packages (Debian
// or Ubuntu), `npm ci`, the build. Plain Node with built-ins only: it runs before node_modules exists.
//   --no-electron   install without the Electron runtime (also: ELECTRON_SKIP_BINARY_DOWNLOAD=1); without either,
//                   setup asks Electron's download host first and goes without when it cannot be reached
//   --no-system     leave system packages alone (you installed them yourself)
//   --print-packages  print the system packages, one line, and exit
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, ROOT, run } from './lib.mjs';

/** The one list of Debian/Ubuntu packages MarketBoss needs to build, run and test; .ci/run installs it through here. */
export const SYSTEM_PACKAGES = [
  // better-sqlite3 and keytar compile from source with node-gyp; keytar needs libsecret's headers
  'python3',
  'make',
  'g++',
  'pkg-config',
  'libsecret-1-dev',
  'libsecret-1-0',
  // the OS keychain on Linux: a Secret Service on the session D-Bus (the tests start a private one)
  'gnome-keyring',
  'dbus',
  'dbus-user-session',
  // end-to-end tests drive /usr/bin/chromium with playwright-core (no browser is ever downloaded)
  'chromium',
  // ps and kill for the tests' child processes; Redis for the research job-queue tests
  'procps',
  'redis-server',
];

const ELECTRON_HOST = 'https://github.com';

/** How missing packages get installed: as root, through `sudo -n`, or not at all (the command for the user). */
export function installPlan({ missing, isRoot, sudoWorks }) {
  if (missing.length === 0) return { kind: 'nothing' };
  const apt = [
    ['apt-get', 'update'],
    ['apt-get', 'install', '-y', '--no-install-recommends', ...missing],
  ];
  if (isRoot) return { kind: 'run', commands: apt };
  // `sudo -n` never asks for a password (there may be no terminal): it works without one, or not at all.
  if (sudoWorks())
    return {
      kind: 'run',
      commands: apt.map((command) => ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', ...command]),
    };
  return {
    kind: 'ask',
    command: apt.map((command) => `sudo ${command.join(' ')}`).join(' && '),
  };
}

/**
 * Whether to go without Electron's binary, which comes from github.com, outside the registries (this Electron
 * fetches it with its install-electron script, older ones in npm ci's postinstall): when asked to, or when that
 * host cannot be reached.
 */
export async function electronDecision({ flag, env, reachable }) {
  if (flag) return { skip: true, why: '--no-electron' };
  const given = env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  if (given !== undefined && given !== '' && given !== '0' && given !== 'false')
    return { skip: true, why: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' };
  const host = env.ELECTRON_MIRROR || ELECTRON_HOST;
  if (await reachable(host)) return { skip: false, why: `${host} answers` };
  return { skip: true, why: `${host} cannot be reached` };
}

async function reachableWithin(url, ms = 5_000) {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(ms), redirect: 'manual' });
    return true;
  } catch {
    return false;
  }
}

const say = (line) => process.stdout.write(`setup: ${line}\n`);
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
// dpkg's own field name, not a template placeholder.
const STATUS_FORMAT = '-f=$' + '{Status}';
const installed = (name) =>
  spawnSync('dpkg-query', ['-W', STATUS_FORMAT, name], { encoding: 'utf8' }).stdout?.includes(
    'install ok installed',
  ) ?? false;

async function systemPackages() {
  if (process.platform !== 'linux') {
    say(
      `system packages: none needed on ${process.platform} (a C++ toolchain for node-gyp: Xcode's command line tools or Visual Studio Build Tools)`,
    );
    return 0;
  }
  if (!has('dpkg-query') || !has('apt-get')) {
    say(
      `system packages: not a Debian/Ubuntu system; install your distribution's equivalents of: ${SYSTEM_PACKAGES.join(' ')}`,
    );
    return 0;
  }
  const missing = SYSTEM_PACKAGES.filter((name) => !installed(name));
  const plan = installPlan({
    missing,
    isRoot: process.getuid?.() === 0,
    sudoWorks: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
  });
  if (plan.kind === 'nothing') {
    say('system packages: all installed');
    return 0;
  }
  if (plan.kind === 'ask') {
    process.stderr.write(
      `setup: these system packages are missing: ${missing.join(' ')}\nsetup: installing them needs root, and sudo asks for a password; run this, then npm run setup again:\n  ${plan.command}\n`,
    );
    return 1;
  }
  say(`system packages: installing ${missing.join(' ')}`);
  for (const [command, ...args] of plan.commands) {
    const code = await run(command, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (code !== 0) {
      process.stderr.write(`setup: \`${[command, ...args].join(' ')}\` failed (exit ${code}); see above\n`);
      return code;
    }
  }
  return 0;
}

async function main(argv) {
  if (argv.includes('--print-packages')) {
    process.stdout.write(`${SYSTEM_PACKAGES.join(' ')}\n`);
    return 0;
  }
  if (!argv.includes('--no-system')) {
    const code = await systemPackages();
    if (code !== 0) return code;
  }

  const electron = await electronDecision({
    flag: argv.includes('--no-electron'),
    env: process.env,
    reachable: reachableWithin,
  });
  say(
    electron.skip
      ? `npm ci without the Electron runtime (${electron.why}); npm start will open host mode in a browser`
      : `npm ci with the Electron runtime (${electron.why})`,
  );
  const env = { ...process.env, ...(electron.skip && { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }) };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const ci = await run(npm, ['ci', '--no-audit', '--no-fund'], { env, shell: process.platform === 'win32' });
  if (ci !== 0) {
    process.stderr.write(`setup: npm ci failed (exit ${ci}); see above\n`);
    return ci;
  }
  if (!electron.skip) {
    say('downloading the Electron runtime');
    const fetched = await run(process.execPath, [join(ROOT, 'node_modules', 'electron', 'install.js')], {
      env,
    });
    if (fetched !== 0)
      say(
        'the Electron runtime could not be downloaded (see above): npm start will open host mode in a browser',
      );
  }

  // keytar is optional: a failed build leaves the app working, but Alpaca keys cannot be saved. Say so now.
  const keytar = spawnSync(process.execPath, ['-e', "require('keytar')"], { cwd: ROOT, encoding: 'utf8' });
  if (keytar.status !== 0)
    say(
      'keytar (the OS keychain) could not be built or loaded: everything works except saving Alpaca keys. On Debian/Ubuntu: sudo apt-get install libsecret-1-dev gnome-keyring, then npm rebuild keytar',
    );

  say('building');
  const built = await build();
  if (built !== 0) {
    process.stderr.write(`setup: the build failed (exit ${built}); see above\n`);
    return built;
  }
  say('done — now `npm start` runs the workstation and `npm test` runs the tests');
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.exit(await main(process.argv.slice(2)));
