// Entry of `npm run ml`: the ml CLI's subcommands. Subcommands built in other areas register here, at the top, like
// research-main.ts adds replay-parity: `ML_SUBCOMMANDS.set('train', { run, usage })` for walk-forward training.
import { ML_SUBCOMMANDS, main } from './research/ml-cli';
import { TRAIN_USAGE, trainCommand } from './research/ml-train-command';

ML_SUBCOMMANDS.set('train', { run: trainCommand, usage: TRAIN_USAGE });

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
