// A file made in main (an export, a tearsheet) saved by the browser as a download: the same in Electron and host mode.
import type { ExportFile } from '../../../../shared/domain/session';

export function saveFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.click();
  // The click starts the download asynchronously; the URL must outlive it.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
