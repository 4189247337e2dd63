// The Electron IPC transport, driven without Electron: no Electron runtime can run on these machines, so the
// sender, frames and ipcMain are plain fake objects cast to the Electron types; the transport only reads the
// fields used here (sender, senderFrame, mainFrame, url, isDestroyed, send).

import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createDispatcher, type HandlerTable } from '../../../src/main/api/dispatcher';
import { attachIpcTransport, type IpcMainLike, senderRefusal } from '../../../src/main/api/ipc-transport';
import { createPushBus } from '../../../src/main/api/push-bus';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { isAppUrl } from '../../../src/main/shell/window';
import type { Settings } from '../../../src/shared/api/contract';
import { IPC_CALL_CHANNEL, IPC_PUSH_CHANNEL } from '../../../src/shared/api/names';
import { handlerTable } from '../../support/handler-table';
import { expectFailure, expectOk } from '../api/expect-result';

const APP_ENTRY = 'file:///opt/MarketBoss/out/renderer/index.html';
const isOurs = (url: string): boolean => isAppUrl(url, APP_ENTRY);

interface FakeFrame {
  url: string;
}
interface FakeContents {
  mainFrame: FakeFrame;
  destroyed: boolean;
  sent: unknown[][];
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

function fakeContents(url = APP_ENTRY): FakeContents {
  return {
    mainFrame: { url },
    destroyed: false,
    sent: [],
    isDestroyed() {
      return this.destroyed;
    },
    send(channel, ...args) {
      this.sent.push([channel, ...args]);
    },
  };
}

const asContents = (c: FakeContents): WebContents => c as unknown as WebContents;
const eventFrom = (sender: FakeContents, frame: FakeFrame | null): IpcMainInvokeEvent =>
  ({ sender, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

describe('senderRefusal', () => {
  test('the app window main frame on the app URL may call', () => {
    const win = fakeContents();

    expect(senderRefusal(eventFrom(win, win.mainFrame), asContents(win), isOurs)).toBeUndefined();
  });

  test('another webContents is refused', () => {
    const win = fakeContents();
    const other = fakeContents();

    expect(senderRefusal(eventFrom(other, other.mainFrame), asContents(win), isOurs)).toMatch(
      /not the MarketBoss window/,
    );
  });

  test('no app window (closed) refuses everything', () => {
    const win = fakeContents();

    expect(senderRefusal(eventFrom(win, win.mainFrame), undefined, isOurs)).toMatch(
      /not the MarketBoss window/,
    );
  });

  test('a subframe of the app window is refused, even on the app URL', () => {
    const win = fakeContents();
    const subframe: FakeFrame = { url: APP_ENTRY };

    expect(senderRefusal(eventFrom(win, subframe), asContents(win), isOurs)).toMatch(/not the main frame/);
  });

  test('a frame that is gone (senderFrame null) is refused', () => {
    const win = fakeContents();

    expect(senderRefusal(eventFrom(win, null), asContents(win), isOurs)).toMatch(/not the main frame/);
  });

  test.each(['https://evil.example/', 'file:///tmp/downloaded.html', 'about:blank', 'data:text/html,hi'])(
    'the main frame navigated to a foreign URL (%s) is refused, naming the URL',
    (url) => {
      const win = fakeContents(url);

      const refusal = senderRefusal(eventFrom(win, win.mainFrame), asContents(win), isOurs);

      expect(refusal).toMatch(/is not the app/);
      expect(refusal).toContain(url);
    },
  );
});

describe('attachIpcTransport', () => {
  let detach: (() => void) | undefined;
  afterEach(() => {
    detach?.();
    detach = undefined;
  });

  function setup() {
    const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, listener);
      },
      removeHandler: (channel) => {
        handlers.delete(channel);
      },
    };
    const seen: unknown[] = [];
    let settings: Settings = { theme: 'dark', notifications: true, workspace: {}, window: null };
    const table: HandlerTable = handlerTable({
      'app:info': () => {
        throw new Error('not used here');
      },
      'settings:get': () => settings,
      'settings:set': ({ patch }) => {
        seen.push(patch);
        settings = { ...settings, ...patch };
        return settings;
      },
    });
    const log = createMemoryLogger();
    const pushes = createPushBus({ intervalMs: 1 });
    const win = fakeContents();
    let current: FakeContents | undefined = win;
    detach = attachIpcTransport({
      ipcMain,
      dispatch: createDispatcher(table, log),
      pushes,
      log,
      window: () => (current ? asContents(current) : undefined),
      isAppUrl: isOurs,
    });
    const invoke = async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> => {
      const handler = handlers.get(IPC_CALL_CHANNEL);
      if (!handler) throw new Error('no handler registered');
      return handler(event, ...args);
    };
    return {
      handlers,
      invoke,
      log,
      pushes,
      seen,
      win,
      closeWindow: () => {
        current = undefined;
      },
    };
  }

  test('registers one handler on the contract channel', () => {
    const { handlers } = setup();

    expect([...handlers.keys()]).toEqual([IPC_CALL_CHANNEL]);
  });

  test('routes a valid call from the app window to the dispatcher', async () => {
    const { invoke, win, seen } = setup();

    const value = expectOk<Settings>(
      await invoke(eventFrom(win, win.mainFrame), 'settings:set', { patch: { theme: 'light' } }),
    );

    expect(value.theme).toBe('light');
    expect(seen).toHaveLength(1);
  });

  test('a bad payload from the app window is a bad-request result from the dispatcher', async () => {
    const { invoke, win, seen } = setup();

    const message = expectFailure(
      await invoke(eventFrom(win, win.mainFrame), 'settings:set', { patch: { theme: 7 } }),
      'bad-request',
    );

    expect(message).toBe('Theme: must be one of dark, light');
    expect(seen).toEqual([]);
  });

  test('an unknown call name is unknown-call', async () => {
    const { invoke, win } = setup();

    expectFailure(
      await invoke(eventFrom(win, win.mainFrame), 'shell:exec', { cmd: 'rm -rf /' }),
      'unknown-call',
    );
  });

  test('a call from another webContents is refused before any handler runs, and logged', async () => {
    const { invoke, seen, log } = setup();
    const intruder = fakeContents();

    const message = expectFailure(
      await invoke(eventFrom(intruder, intruder.mainFrame), 'settings:set', { patch: { theme: 'light' } }),
      'bad-request',
    );

    expect(message).toMatch(/^refused: /);
    expect(seen).toEqual([]);
    expect(log.lines.find((l) => l.message === 'IPC call refused')?.context.reason).toMatch(
      /not the MarketBoss window/,
    );
  });

  test('a call from a subframe or a foreign URL is refused', async () => {
    const { invoke, win, seen } = setup();

    expectFailure(await invoke(eventFrom(win, { url: APP_ENTRY }), 'settings:get', {}), 'bad-request');
    win.mainFrame.url = 'https://evil.example/';
    expectFailure(
      await invoke(eventFrom(win, win.mainFrame), 'settings:set', { patch: { theme: 'light' } }),
      'bad-request',
    );
    expect(seen).toEqual([]);
  });

  test('pushes go to the app window on the push channel, and not to a destroyed or closed one', () => {
    const { pushes, win, closeWindow } = setup();

    pushes.publish('heartbeat', { time: 1, uptimeMs: 1 });
    pushes.flush();
    win.destroyed = true;
    pushes.publish('heartbeat', { time: 2, uptimeMs: 2 });
    pushes.flush();
    closeWindow();
    pushes.publish('heartbeat', { time: 3, uptimeMs: 3 });
    pushes.flush();

    expect(win.sent).toEqual([[IPC_PUSH_CHANNEL, 'heartbeat', [{ time: 1, uptimeMs: 1 }]]]);
  });

  test('detaching removes the handler and stops forwarding pushes', () => {
    const { handlers, pushes, win } = setup();
    const send = vi.spyOn(win, 'send');

    detach?.();
    detach = undefined;
    pushes.publish('heartbeat', { time: 1, uptimeMs: 1 });
    pushes.flush();

    expect(handlers.size).toBe(0);
    expect(send).not.toHaveBeenCalled();
  });
});
