// The Electron transport: ipcMain.handle on one channel, answering only our window's main frame on the app's URL.
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_PUSH_CHANNEL } from '../../shared/api/names';
import { fail } from '../../shared/api/result';
import type { Logger } from '../log/logger';
import type { Dispatch } from './dispatcher';
import type { PushBus } from './push-bus';

/** The slice of ipcMain we use, so tests can drive the transport without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcTransportOptions {
  readonly ipcMain: IpcMainLike;
  readonly dispatch: Dispatch;
  readonly pushes: PushBus;
  readonly log: Logger;
  /** The window allowed to call, and how to recognise the app's own URL. */
  readonly window: () => WebContents | undefined;
  readonly isAppUrl: (url: string) => boolean;
}

/** Why an invoke is refused (VS Code's validatedIpcMain rules), or undefined when it may proceed. */
export function senderRefusal(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  appWindow: WebContents | undefined,
  isAppUrl: (url: string) => boolean,
): string | undefined {
  if (!appWindow || event.sender !== appWindow) return 'sender is not the MarketBoss window';
  const frame = event.senderFrame;
  if (!frame || frame !== appWindow.mainFrame) return 'sender is not the main frame';
  if (!isAppUrl(frame.url)) return `sender URL ${frame.url} is not the app`;
  return undefined;
}

export function attachIpcTransport(options: IpcTransportOptions): () => void {
  const { ipcMain, dispatch, pushes, log } = options;
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name, arg) => {
    const refusal = senderRefusal(event, options.window(), options.isAppUrl);
    if (refusal) {
      log.warn('IPC call refused', { reason: refusal });
      return fail('bad-request', `refused: ${refusal}`);
    }
    return dispatch(name, arg);
  });
  const unsubscribe = pushes.subscribe((topic, batch) => {
    const contents = options.window();
    if (contents && !contents.isDestroyed()) contents.send(IPC_PUSH_CHANNEL, topic, batch);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
