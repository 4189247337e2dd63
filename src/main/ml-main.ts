// Entry of `npm run ml`: the ml CLI's subcommands. Subcommands built in other areas register here, at the top, like
// research-main.ts adds replay-parity: `ML_SUBCOMMANDS.set('train', { run, usage })` for walk-forward training.
import { main } from './research/ml-cli';

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
