// `npm run research -- replay-parity --session ID [--data-dir DIR] [--out DIR]`: replays a session's last run
// through the backtester on its own bars and config (see replay-parity.ts), prints the verdict and each difference,
// and with --out writes parity.json and differences.csv. The app's SQLite file is opened read-only, so this is safe
// beside a running app. Bad input (no such session, no database, an unknown flag) exits 2 naming the problem.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { databaseFile, defaultDataDir } from '../paths';
import { openDatabaseReadOnly, StoreError } from '../store/database';
import { createSessionRepo } from '../store/session-repo';
import { ConfigError, parseSessionConfig } from '../strategies/run-config';
import { differencesCsv, replayParity } from './replay-parity';

const USAGE = `usage: npm run research -- replay-parity --session <id> [--data-dir <dir>] [--out <dir>]
  --session <id>     the session whose last run to replay (its id, as the session page and the API show it)
  --data-dir <dir>   the app's data folder (default ${defaultDataDir()})
  --out <dir>        write parity.json and differences.csv there`;

/** Runs the subcommand on its own arguments (after 'replay-parity'); resolves to the exit status. */
export async function replayParityCommand(argv: readonly string[]): Promise<number> {
  let values: { session?: string; 'data-dir'?: string; out?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        session: { type: 'string' },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`replay-parity: ${(error as Error).message.split('\n')[0]}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const sessionId = values.session;
  if (sessionId === undefined || sessionId === '') {
    console.error(`replay-parity: --session is required\n${USAGE}`);
    return 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let db: ReturnType<typeof openDatabaseReadOnly>;
  try {
    db = openDatabaseReadOnly(databaseFile(dataDir));
  } catch (error) {
    if (error instanceof StoreError) {
      console.error(`replay-parity: ${error.message}`);
      return 2;
    }
    throw error;
  }
  try {
    const repo = createSessionRepo(db);
    const session = repo.getSession(sessionId);
    if (session === undefined) {
      console.error(`replay-parity: no session ${sessionId} in ${databaseFile(dataDir)}`);
      return 2;
    }
    const run = repo.latestRun(sessionId);
    if (run === undefined) {
      console.error(`replay-parity: session ${sessionId} (${session.name}) has not run yet`);
      return 2;
    }
    if (run.status === 'running' || run.status === 'paused') {
      console.error(
        `note: run ${run.id} is ${run.status}; replaying what its ledger holds so far (stop it for the whole run)`,
      );
    }
    let config: ReturnType<typeof parseSessionConfig>;
    try {
      config = parseSessionConfig(run.config);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(`replay-parity: the run's config snapshot is not valid: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const report = replayParity(repo, sessionId, run.id, config);
    console.log(
      `${session.name} (${sessionId}), run ${run.id} on ${config.venueKind}: ${report.bars} bar times, ` +
        `${report.sessionFills} session fills, ${report.replayFills} replay fills`,
    );
    console.log(report.verdict);
    for (const d of report.differences) {
      const f = (d.session ?? d.replay)!;
      console.log(
        `  ${d.reason.padEnd(12)} ${new Date(f.time).toISOString()} ${f.symbol} ${f.side}: ${d.detail}`,
      );
    }
    if (values.out !== undefined) {
      mkdirSync(values.out, { recursive: true });
      writeFileSync(join(values.out, 'parity.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(values.out, 'differences.csv'), differencesCsv(report));
      console.log(`wrote parity.json, differences.csv to ${values.out}`);
    }
    return 0;
  } finally {
    db.close();
  }
}
