// The app icon: every file electron-builder, the window and host mode's page refer to exists and is a PNG of the
// size its name or role promises (read from the PNG's IHDR header, not trusted from the file name).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mainWindowOptions } from '../../../src/main/shell/window';

const ROOT = resolve(__dirname, '../../..');
const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height and colour type from a PNG's first chunk, which the format requires to be IHDR. */
function pngHeader(file: string): { width: number; height: number; colorType: number } {
  expect(existsSync(file), `${file} exists`).toBe(true);
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} starts with the PNG signature`).toBe(true);
  expect(bytes.toString('latin1', 12, 16), `${file}'s first chunk is IHDR`).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colorType: bytes[25]! };
}

/** `key:` inside the top-level `section:` of electron-builder.yml (a flat two-level YAML). */
function builderSetting(section: string, key: string): string | undefined {
  const yml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const block = new RegExp(`^${section}:\\n((?:[ \\t]+.*\\n?)*)`, 'm').exec(yml)?.[1] ?? '';
  return new RegExp(`^\\s+${key}:\\s*(\\S+)`, 'm').exec(block)?.[1];
}

describe('the app icon', () => {
  test.each(SIZES)('resources/icons/%ix%i.png is a square RGBA PNG of that size', (size) => {
    const header = pngHeader(join(ROOT, 'resources', 'icons', `${size}x${size}.png`));

    expect(header).toEqual({ width: size, height: size, colorType: 6 });
  });

  test('the Linux targets take the icons folder, with every size in it', () => {
    const dir = builderSetting('linux', 'icon');

    expect(dir).toBe('resources/icons');
    for (const size of SIZES) expect(pngHeader(join(ROOT, dir!, `${size}x${size}.png`)).width).toBe(size);
  });

  test.each(['mac', 'win'])(
    '%s takes a 1024 px PNG (electron-builder makes its .icns/.ico from it)',
    (platform) => {
      const file = builderSetting(platform, 'icon');

      expect(file).toBeDefined();
      expect(pngHeader(join(ROOT, file!))).toMatchObject({ width: 1024, height: 1024 });
    },
  );

  test('the window gets the renderer’s 256 px icon, which the build copies into out/renderer', () => {
    const index = readFileSync(join(ROOT, 'src/main/index.ts'), 'utf8');

    expect(index).toContain("join(__dirname, '../renderer/icon.png')");
    expect(index).toMatch(/mainWindowOptions\(preload, placement\.bounds, iconFile\)/);
    expect(mainWindowOptions('/p.js', undefined, '/app/out/renderer/icon.png').icon).toBe(
      '/app/out/renderer/icon.png',
    );
    expect(pngHeader(join(ROOT, 'src/renderer/public/icon.png'))).toMatchObject({ width: 256, height: 256 });
  });

  test("host mode's page links that icon as its favicon", () => {
    const html = readFileSync(join(ROOT, 'src/renderer/index.html'), 'utf8');
    const href = /<link rel="icon" type="image\/png" href="\/([^"]+)"/.exec(html)?.[1];

    expect(href).toBe('icon.png');
    expect(existsSync(join(ROOT, 'src/renderer/public', href!))).toBe(true);
  });

  test('the PNGs are drawn from the one source, resources/icon.svg', () => {
    const svg = readFileSync(join(ROOT, 'resources/icon.svg'), 'utf8');

    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 1024 1024"/);
    expect(readFileSync(join(ROOT, 'scripts/icons.mjs'), 'utf8')).toContain("'icon.svg'");
  });
});
