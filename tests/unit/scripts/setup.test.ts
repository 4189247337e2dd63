// `npm run setup`, the README's first command and CI's: one package list, installed as root, through `sudo -n`, or
// named in the exact command the user must run; Electron's binary left out when it cannot be downloaded.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { electronDecision, installPlan, SYSTEM_PACKAGES } from '../../../scripts/setup.mjs';

const ROOT = resolve(__dirname, '../../..');
const read = (file: string): string => readFileSync(resolve(ROOT, file), 'utf8');

describe('the system packages', () => {
  test('the one list holds everything CI needs', () => {
    const ci =
      'chromium gnome-keyring dbus dbus-user-session libsecret-1-dev libsecret-1-0 python3 make g++ pkg-config procps redis-server';

    expect([...SYSTEM_PACKAGES].sort()).toEqual(ci.split(' ').sort());
  });

  test('as root: apt-get update, then install only the missing ones, without recommends', () => {
    const plan = installPlan({ missing: ['chromium', 'redis-server'], isRoot: true, sudoWorks: () => false });

    expect(plan).toEqual({
      kind: 'run',
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium', 'redis-server'],
      ],
    });
  });

  test('not root, sudo without a password: the same through sudo -n', () => {
    const plan = installPlan({ missing: ['g++'], isRoot: false, sudoWorks: () => true });

    expect(plan).toEqual({
      kind: 'run',
      commands: [
        ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update'],
        [
          'sudo',
          '-n',
          'env',
          'DEBIAN_FRONTEND=noninteractive',
          'apt-get',
          'install',
          '-y',
          '--no-install-recommends',
          'g++',
        ],
      ],
    });
  });

  test('not root and sudo would ask for a password: the exact command to run, nothing run', () => {
    const plan = installPlan({
      missing: ['libsecret-1-dev', 'gnome-keyring'],
      isRoot: false,
      sudoWorks: () => false,
    });

    expect(plan).toEqual({
      kind: 'ask',
      command:
        'sudo apt-get update && sudo apt-get install -y --no-install-recommends libsecret-1-dev gnome-keyring',
    });
  });

  test('nothing missing: nothing to run, and sudo is not even tried', () => {
    const plan = installPlan({
      missing: [],
      isRoot: false,
      sudoWorks: () => {
        throw new Error('sudo tried');
      },
    });

    expect(plan).toEqual({ kind: 'nothing' });
  });
});

describe('the Electron runtime', () => {
  const never = async (): Promise<boolean> => {
    throw new Error('the network was asked');
  };

  test('--no-electron skips it without asking the network', async () => {
    expect(await electronDecision({ flag: true, env: {}, reachable: never })).toEqual({
      skip: true,
      why: '--no-electron',
    });
  });

  test('ELECTRON_SKIP_BINARY_DOWNLOAD=1 skips it without asking the network', async () => {
    const decision = await electronDecision({
      flag: false,
      env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      reachable: never,
    });

    expect(decision.skip).toBe(true);
  });

  test('otherwise github.com is asked: unreachable → skipped, reachable → downloaded', async () => {
    const asked: string[] = [];
    const offline = await electronDecision({
      flag: false,
      env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '0' },
      reachable: async (url) => {
        asked.push(url);
        return false;
      },
    });
    const online = await electronDecision({ flag: false, env: {}, reachable: async () => true });

    expect(asked).toEqual(['https://github.com']);
    expect(offline).toEqual({ skip: true, why: 'https://github.com cannot be reached' });
    expect(online.skip).toBe(false);
  });

  test('a mirror is asked instead of github.com when one is configured', async () => {
    const asked: string[] = [];
    await electronDecision({
      flag: false,
      env: { ELECTRON_MIRROR: 'https://mirror.example/electron/' },
      reachable: async (url) => {
        asked.push(url);
        return true;
      },
    });

    expect(asked).toEqual(['https://mirror.example/electron/']);
  });
});

describe('one set-up for the README and CI', () => {
  test("the README's first command is the set-up and the start, its second the tests", () => {
    const block = /## The two commands\n\n```sh\n([\s\S]*?)```/.exec(read('README.md'))?.[1] ?? '';
    const commands = block.split('\n').map((line) => line.split('#')[0]!.trim());

    expect(commands.slice(0, 2)).toEqual(['npm run setup && npm start', 'npm test']);
  });

  test('.ci/run runs that set-up and those tests, and keeps no package list of its own', () => {
    const script = read('.ci/run');
    const commands = script.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));

    expect(commands.filter((line) => line.startsWith('npm '))).toEqual(['npm run setup', 'npm test']);
    expect(script).not.toMatch(/apt-get|dpkg|libsecret|chromium/);
    expect(JSON.parse(read('package.json')).scripts.setup).toBe('node scripts/setup.mjs');
  });
});
