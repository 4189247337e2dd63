// `npm run package`: desktop installers with electron-builder (AppImage and deb on Linux, dmg on macOS, nsis on Windows).
import { bin, build, electronBinary, ensureNativeAbi, run } from './lib.mjs';

if (!electronBinary()) {
  process.stderr.write(
    'npm run package needs the Electron runtime, and electron-builder downloads Electron for each target; neither is available on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD). Run it on a machine with internet access after a plain `npm install`.\n',
  );
  process.exit(1);
}
const target = { linux: ['--linux', 'AppImage', 'deb'], darwin: ['--mac', 'dmg'], win32: ['--win', 'nsis'] }[
  process.platform
];
if (!target) {
  process.stderr.write(`packaging is not set up for ${process.platform}\n`);
  process.exit(1);
}
for (const step of [
  () => build(),
  () => ensureNativeAbi('electron'),
  () => run(bin('electron-builder'), target),
]) {
  const code = await step();
  if (code !== 0) process.exit(code);
}
