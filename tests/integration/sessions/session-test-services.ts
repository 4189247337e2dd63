// The services as the session tests run them (no Electron, heartbeats off), and the two waits they share.
import { createServices, type Services } from '../../../src/main/services';

export function testServices(dataDir: string): Services {
  return createServices({
    dataDir,
    version: 'test',
    transport: 'websocket',
    electronVersion: null,
    heartbeatMs: 1e9,
  });
}

/** A call's value, or an error naming the call and its failure. */
export async function callValue<T>(services: Services, name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
