// Whether an Electron runtime binary is installed (it is not on machines installed with ELECTRON_SKIP_BINARY_DOWNLOAD).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function electronBinary(): string | null {
  try {
    // In plain Node the electron package exports the path of its binary, and throws when it was never downloaded.
    const path = createRequire(__filename)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}
