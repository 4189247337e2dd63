// One-off screenshots of the Models view (not part of the suite).
import { launchChromium } from './tests/support/browser';
import { startHostProcess } from './tests/support/host-process';

const OUT = '/work/notes/shots/models-ui';
const prefix = process.argv[2] ?? 'form';
async function main() {
const host = await startHostProcess();
const browser = await launchChromium();
try {
  for (const [w, h] of [[1280, 720], [1440, 900], [1920, 1080]] as const) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Models' }).click();
    await page.getByRole('region', { name: 'Train a model' }).waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${OUT}/${prefix}-${w}x${h}.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await host.stop();
}
}
void main();
