// Entry of `npm run research`: the research lab's subcommands, and replay parity, which reads a session from the
// app's database (sessions/ sits above research/, so it is added here, at the top, like the services' composition).
import { main, SUBCOMMANDS } from './research/research-cli';
import { replayParityCommand } from './sessions/replay-parity-command';

SUBCOMMANDS.set('replay-parity', replayParityCommand);

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
