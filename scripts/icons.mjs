// `node scripts/icons.mjs`: the app icon's PNG sizes from its one source, resources/icon.svg, drawn by Debian's
// Chromium through playwright-core (already a dev dependency; never a downloaded browser). The PNGs are committed, so
// building and packaging never need this script; run it again after changing the SVG.
//   resources/icons/<n>x<n>.png   every size electron-builder's Linux targets take (its `linux.icon` folder)
//   resources/icon.png            1024 px: macOS and Windows (electron-builder makes the .icns and .ico from it)
//   src/renderer/public/icon.png  256 px: the desktop window's icon and host mode's favicon (copied into out/renderer)
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './lib.mjs';

export const ICON_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const svg = readFileSync(join(ROOT, 'resources', 'icon.svg'), 'utf8');
const iconsDir = join(ROOT, 'resources', 'icons');
mkdirSync(iconsDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: ['--no-sandbox'],
});
try {
  for (const size of ICON_SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const fitted = svg.replace(/width="\d+" height="\d+"/, `width="${size}" height="${size}"`);
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${fitted}</body></html>`,
    );
    const file = join(iconsDir, `${size}x${size}.png`);
    await page.screenshot({
      path: file,
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    await page.close();
    process.stdout.write(`${file}\n`);
  }
} finally {
  await browser.close();
}
copyFileSync(join(iconsDir, '1024x1024.png'), join(ROOT, 'resources', 'icon.png'));
mkdirSync(join(ROOT, 'src', 'renderer', 'public'), { recursive: true });
copyFileSync(join(iconsDir, '256x256.png'), join(ROOT, 'src', 'renderer', 'public', 'icon.png'));
