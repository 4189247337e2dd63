// A headless MarketBoss for the crash loop: opens the data dir (which recovers any running session), starts a
// fast demo session if there is none, and prints every fill once it is committed ("acknowledged").
import { createServices } from '../../src/main/services';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: session-child <data-dir>');
const services = createServices({
  dataDir,
  version: 'crash-loop',
  transport: 'websocket',
  electronVersion: null,
  heartbeatMs: 1e9,
});
services.pushes.subscribe((topic, batch) => {
  if (topic !== 'fill') return;
  for (const push of batch as { fill: { executionId: string } }[])
    process.stdout.write(`FILL ${push.fill.executionId}\n`);
});

async function main(): Promise<void> {
  const list = await services.dispatch('session:list', {});
  if (!list.ok) throw new Error(list.error.message);
  if ((list.value as unknown[]).length === 0) {
    const created = await services.dispatch('session:create', {
      name: 'crash loop',
      config: {
        symbols: ['ACME', 'BOLT'],
        feed: { kind: 'synthetic-live', speed: 12_000 },
        strategy: { id: 'sma-crossover', params: { fast: 3, slow: 8 } },
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    const started = await services.dispatch('session:start', {
      sessionId: (created.value as { id: string }).id,
    });
    if (!started.ok) throw new Error(started.error.message);
  }
  process.stdout.write('READY\n');
}
void main();
