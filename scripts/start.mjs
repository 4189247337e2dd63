// `npm start`: build if needed, then open the desktop app; without an Electron runtime, host mode in a browser.

import { join } from 'node:path';
import { build, buildIsStale, electronBinary, ensureNativeAbi, ROOT, run } from './lib.mjs';

const passthrough = process.argv.slice(2);

if (buildIsStale()) {
  process.stdout.write('Building MarketBoss…\n');
  const code = await build();
  if (code !== 0) process.exit(code);
}

const electron = electronBinary();
if (electron) {
  const code = await ensureNativeAbi('electron');
  if (code !== 0) {
    process.stderr.write('Could not rebuild native modules for Electron; see the output above.\n');
    process.exit(code);
  }
  process.exit(await run(electron, [ROOT, ...passthrough]));
} else {
  process.stdout.write(
    'No Electron runtime is installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD or offline) — starting host mode; open the URL below in a browser.\n',
  );
  const code = await ensureNativeAbi('node');
  if (code !== 0) process.exit(code);
  process.exit(await run(process.execPath, [join(ROOT, 'out', 'main', 'host.js'), ...passthrough]));
}
