// Run by the keychain test with DBUS_SESSION_BUS_ADDRESS pointing at a socket that does not exist, so keytar finds
// no Secret Service: tries credentials:save and credentials:status and prints both answers as one JSON line.
// The keys arrive in the environment (MB_TEST_KEY_ID, MB_TEST_SECRET), not on the command line.
import { createServices } from '../../../src/main/services';

const [dataDir, alpacaUrl] = process.argv.slice(2);
if (!dataDir || !alpacaUrl) throw new Error('usage: no-keychain-child <data-dir> <alpaca-url>');

async function main(): Promise<void> {
  const services = createServices({
    dataDir: dataDir!,
    version: 'no-keychain',
    transport: 'websocket',
    electronVersion: null,
    heartbeatMs: 1e9,
    alpacaBaseUrls: { trading: alpacaUrl!, data: alpacaUrl! },
  });
  const save = await services.dispatch('credentials:save', {
    keyId: process.env.MB_TEST_KEY_ID,
    secret: process.env.MB_TEST_SECRET,
  });
  const status = await services.dispatch('credentials:status', {});
  await services.close();
  process.stdout.write(`${JSON.stringify({ save, status })}\n`);
}
void main();
