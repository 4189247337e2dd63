// The window's security settings, read from the code that creates the window. No Electron runtime is needed:
// window.ts imports Electron types only.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { HOST_CSP } from '../../../src/main/host/server';
import { CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions } from '../../../src/main/shell/window';

const ROOT = resolve(__dirname, '../../..');
const readSource = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');

/** Parses a CSP into directive → sources (order-insensitive), e.g. { 'script-src': ["'self'"] }. */
function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(directives.has(name.toLowerCase()), `directive ${name} appears twice`).toBe(false);
    directives.set(name.toLowerCase(), sources.sort());
  }
  return directives;
}

/** The CSP in src/renderer/index.html's <meta http-equiv> tag. */
function metaCsp(): string {
  const html = readSource('src/renderer/index.html');
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!match) throw new Error('src/renderer/index.html has no Content-Security-Policy meta tag');
  return match[1]!;
}

describe('mainWindowOptions', () => {
  const options = mainWindowOptions('/app/out/preload/index.js');
  const prefs = options.webPreferences!;

  test('isolates the renderer: contextIsolation, sandbox, no Node integration, web security on', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webSecurity).toBe(true);
  });

  test('the other hardening flags: no Node in workers or subframes, no insecure content, no webview', () => {
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames ?? false).toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.experimentalFeatures ?? false).toBe(false);
    expect(prefs.enableBlinkFeatures ?? '').toBe('');
  });

  test('uses the preload it is given and nothing loosens security elsewhere in the options', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.js');
    const text = JSON.stringify(options);
    expect(text).not.toMatch(/"(nodeIntegration|contextIsolation|sandbox|webSecurity)":(?!true|false)/);
    // exactly the keys we know: a new webPreferences key must be looked at by a person (and added here)
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'nodeIntegration',
        'nodeIntegrationInWorker',
        'preload',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });

  test('the window starts hidden (shown on ready-to-show) with a sensible minimum size', () => {
    expect(options.show).toBe(false);
    expect(options.minWidth).toBeGreaterThanOrEqual(800);
    expect(options.minHeight).toBeGreaterThanOrEqual(600);
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);

  test('allows no inline or eval script and no remote anything', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-inline'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-hashes'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|wss?:/);
  });

  test("script-src is 'self' only; default-src 'self'; objects, base and framing are off", () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  test('every fetch directive stays on the app itself', () => {
    for (const [name, sources] of csp) {
      for (const source of sources) {
        expect(["'self'", "'none'", 'data:'], `${name} allows ${source}`).toContain(source);
      }
      if (sources.includes('data:')) expect(name).toBe('img-src');
    }
  });

  test('host mode sends exactly the same policy as a header', () => {
    expect(parseCsp(HOST_CSP)).toEqual(csp);
  });

  test('the meta tag in src/renderer/index.html says the same (frame-ancestors aside, which a meta tag cannot carry)', () => {
    const meta = parseCsp(metaCsp());
    const expected = new Map(csp);
    expected.delete('frame-ancestors');

    expect(meta.has('frame-ancestors')).toBe(false);
    expect(meta).toEqual(expected);
  });

  test('src/renderer/index.html has no inline script', () => {
    const html = readSource('src/renderer/index.html');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];

    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });
});

describe('isAppUrl', () => {
  const fileEntry = 'file:///opt/MarketBoss/resources/app/out/renderer/index.html';
  const devEntry = 'http://localhost:5173';

  test.each([fileEntry, `${fileEntry}#/settings`, `${fileEntry}?tab=orders`])(
    'accepts the app file %s',
    (url) => {
      expect(isAppUrl(url, fileEntry)).toBe(true);
    },
  );

  test.each([
    'file:///opt/MarketBoss/resources/app/out/renderer/other.html',
    'file:///etc/passwd',
    'file:///opt/MarketBoss/resources/app/out/renderer/',
    'file:///opt/MarketBoss/resources/app/out/renderer/index.html.evil',
    'https://example.com/opt/MarketBoss/resources/app/out/renderer/index.html',
    'http://localhost:5173/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    '',
    'not a url',
    '/opt/MarketBoss/resources/app/out/renderer/index.html',
  ])('with a file entry, refuses %s', (url) => {
    expect(isAppUrl(url, fileEntry)).toBe(false);
  });

  test.each([
    'http://localhost:5173/',
    'http://localhost:5173/index.html',
    'http://localhost:5173/src/main.tsx?t=1',
  ])('accepts the dev server origin %s', (url) => {
    expect(isAppUrl(url, devEntry)).toBe(true);
  });

  test.each([
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://127.0.0.1:5173/',
    'http://localhost.evil.com:5173/',
    'http://localhost:5173@evil.com/',
    'http://evil.com/?http://localhost:5173',
    'javascript:alert(1)',
    fileEntry,
    '::::',
  ])('with a dev entry, refuses %s', (url) => {
    expect(isAppUrl(url, devEntry)).toBe(false);
  });

  test('garbage as the entry refuses everything rather than throwing', () => {
    expect(isAppUrl(fileEntry, 'not a url')).toBe(false);
  });
});

describe('src/main/index.ts wires the window as the tests above assume (static check of the source)', () => {
  const source = readSource('src/main/index.ts');

  test('creates its BrowserWindow with mainWindowOptions(...) and nowhere else', () => {
    const constructions = [...source.matchAll(/new BrowserWindow\(([^;]*)\)/g)];
    expect(constructions).toHaveLength(1);
    expect(constructions[0]![1]).toMatch(/^mainWindowOptions\(/);
    expect(source).toMatch(/import \{[^}]*\bmainWindowOptions\b[^}]*\} from '\.\/shell\/window'/);
  });

  test('opens the window where placeWindow says and saves its place on move, resize and close', () => {
    expect(source).toMatch(/placeWindow\(\s*settings\?\.get\(\)\.window/);
    expect(source).toContain('screen.getAllDisplays()');
    expect(source).toMatch(
      /settings\?\.set\(\{ window: windowStateOf\(window\.getNormalBounds\(\), window\.isMaximized\(\)\) \}\)/,
    );
    for (const event of ['move', 'resize', 'maximize', 'unmaximize'])
      expect(source).toContain(`window.on('${event}', saver.schedule)`);
    expect(source).toMatch(/window\.on\('close', \(\) => saver\.flush\(\)\)/);
  });

  test('guards navigation and new windows, and asks for the single-instance lock', () => {
    expect(source).toMatch(
      /\.on\(\s*'will-navigate'\s*,\s*\(event, url\) => \{\s*if \(!isOurs\(url\)\) event\.preventDefault\(\)/,
    );
    expect(source).toMatch(/setWindowOpenHandler\([\s\S]*?return \{ action: 'deny' \}/);
    expect(source).toContain('requestSingleInstanceLock()');
    expect(source).toContain("'will-attach-webview'");
  });

  test('sets the same CSP as a response header and uses the contract-checked IPC transport', () => {
    expect(source).toMatch(/'Content-Security-Policy': \[CONTENT_SECURITY_POLICY\]/);
    expect(source).toContain('attachIpcTransport(');
    expect(source).toContain('isAppUrl: isOurs');
  });
});
