// Builds window.marketboss from the contract's call names; exposes nothing else (no raw ipcRenderer).
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { PreloadBridge } from '../shared/api/contract';
import {
  CALL_NAMES,
  type CallName,
  IPC_CALL_CHANNEL,
  IPC_PUSH_CHANNEL,
  type PushTopic,
} from '../shared/api/names';
import type { ApiResult } from '../shared/api/result';

const calls = Object.fromEntries(
  CALL_NAMES.map((name) => [
    name,
    (arg: unknown) => ipcRenderer.invoke(IPC_CALL_CHANNEL, name, arg) as Promise<ApiResult<unknown>>,
  ]),
) as Record<CallName, (arg: unknown) => Promise<ApiResult<unknown>>>;

const bridge: PreloadBridge = {
  transport: 'electron-ipc',
  calls,
  subscribe(topic: PushTopic, listener: (batch: readonly unknown[]) => void) {
    const onPush = (_event: IpcRendererEvent, pushed: unknown, batch: unknown): void => {
      if (pushed === topic && Array.isArray(batch)) listener(batch);
    };
    ipcRenderer.on(IPC_PUSH_CHANNEL, onPush);
    return () => {
      ipcRenderer.removeListener(IPC_PUSH_CHANNEL, onPush);
    };
  },
};

contextBridge.exposeInMainWorld('marketboss', bridge);
