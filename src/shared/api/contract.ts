// The API contract, declared once: each call's argument schema and result type, each push topic's payload.
// Main binds handlers to it; the renderer's client and the preload are typed from it.
import { z } from 'zod';
import type { CallName, PushTopic } from './names';
import type { ApiResult } from './result';

export const THEMES = ['dark', 'light'] as const;

/** User settings with their defaults; stored one row per key in SQLite. */
export const settingsSchema = z.object({
  theme: z.enum(THEMES).default('dark').describe('Colour theme of the workstation'),
  notifications: z.boolean().default(true).describe('Show native notifications for alerts'),
});
export type Settings = z.output<typeof settingsSchema>;

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly dataDir: string;
  readonly logDir: string;
  readonly databasePath: string;
  readonly schemaVersion: number;
  readonly transport: 'electron-ipc' | 'websocket';
  readonly electron: { readonly present: boolean; readonly version: string | null };
  readonly node: string;
  readonly platform: string;
}

const noArgs = z.object({}).strict();

/** A call's declaration: the zod schema of its one argument object, and (as a type only) its result. */
export interface CallSpec<S extends z.ZodType, R> {
  readonly input: S;
  /** Phantom: carries the result type; never read at run time. */
  readonly result?: R;
}
const call =
  <R>() =>
  <S extends z.ZodType>(input: S): CallSpec<S, R> => ({ input });

export const calls = {
  'app:info': call<AppInfo>()(noArgs),
  'settings:get': call<Settings>()(noArgs),
  'settings:set': call<Settings>()(
    z
      .object({
        patch: settingsSchema
          .partial()
          .strict()
          .refine((p) => Object.keys(p).length > 0, 'patch is empty'),
      })
      .strict(),
  ),
} satisfies Record<CallName, CallSpec<z.ZodType, unknown>>;

export interface Heartbeat {
  readonly time: number;
  readonly uptimeMs: number;
}

/** Push topics and their payloads; delivered in coalesced batches. */
export interface PushPayloads {
  heartbeat: Heartbeat;
}

type Calls = typeof calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallArg<N extends CallName> = z.output<Calls[N]['input']>;
export type CallResult<N extends CallName> = NonNullable<Calls[N]['result']>;
export type PushPayload<T extends PushTopic> = PushPayloads[T];

// Compile-time guard: the push table covers exactly the declared topics.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _topicsMatch: Exact<keyof PushPayloads, PushTopic> = true;
void _topicsMatch;

/** What both transports offer the renderer; it never knows which one it has. */
export interface ApiClient {
  call<N extends CallName>(name: N, arg: CallInput<N>): Promise<ApiResult<CallResult<N>>>;
  subscribe<T extends PushTopic>(topic: T, listener: (batch: readonly PushPayload<T>[]) => void): () => void;
}

/** Where the renderer finds the Electron transport; the preload puts it there. */
export interface PreloadBridge {
  readonly transport: 'electron-ipc';
  /** One function per contract call name, nothing else. */
  readonly calls: Readonly<Record<CallName, (arg: unknown) => Promise<ApiResult<unknown>>>>;
  subscribe(topic: PushTopic, listener: (batch: readonly unknown[]) => void): () => void;
}
