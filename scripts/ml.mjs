// `npm run ml`: runs the prebuilt command-line ML tools (out/cli/ml.cjs) in this process, so starting costs no
// TypeScript compilation; when the sources are newer than the last build, it builds once first.
import { createRequire } from 'node:module';
import { build, buildIsStale, ML_CLI } from './lib.mjs';

if (buildIsStale()) {
  process.stderr.write('The sources changed since the last build: building once (npm run build)…\n');
  const code = await build();
  if (code !== 0) process.exit(code);
}
createRequire(import.meta.url)(ML_CLI);
