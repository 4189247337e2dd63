// A TextSink onto a file: the text is gathered into pieces of about a megabyte and written with writeSync, so a
// million-row CSV never sits in memory whole. It is written under `<name>.partial` and renamed when complete, so
// an interrupted run never leaves a truncated file under the real name.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { TextSink } from './report';

const PIECE_CHARS = 1 << 20;

export function writeTextFile(path: string, writeTo: (sink: TextSink) => void): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (size === 0) return;
    writeSync(fd, parts.join(''));
    parts = [];
    size = 0;
  };
  try {
    writeTo({
      write(text) {
        parts.push(text);
        size += text.length;
        if (size >= PIECE_CHARS) flush();
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
