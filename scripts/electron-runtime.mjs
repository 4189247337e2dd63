// Finds the Electron binary without require('electron'), which tries to download it when it is missing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'electron');

/** The Electron executable, or null where it was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, offline). */
export function electronBinary() {
  const pathFile = join(PACKAGE_DIR, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(PACKAGE_DIR, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}
