// A TextSink onto a file: text is encoded into a one-megabyte buffer that is written out whenever it fills, so a
// million-row CSV never sits in memory whole (nor as a million strings joined). It is written under
// `<name>.partial` and renamed when complete, so an interrupted run never leaves a truncated file under the real name.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { TextSink } from './report';

const BUFFER_BYTES = 1 << 20;
/** The most bytes one UTF-16 code unit can take in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

export function writeTextFile(path: string, writeTo: (sink: TextSink) => void): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  const flush = (): void => {
    if (used > 0) writeSync(fd, buffer, 0, used);
    used = 0;
  };
  try {
    writeTo({
      write(text) {
        if (used + text.length * MAX_BYTES_PER_UNIT > BUFFER_BYTES) {
          flush();
          if (text.length * MAX_BYTES_PER_UNIT > BUFFER_BYTES) {
            writeSync(fd, text);
            return;
          }
        }
        used += buffer.write(text, used, 'utf8');
      },
    });
    flush();
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(partial, path);
}
