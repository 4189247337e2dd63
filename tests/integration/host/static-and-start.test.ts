// Host mode's HTTP side (the built renderer, its headers, DNS-rebinding and traversal guards) and its start-up
// failures, against an in-process host.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HOST_CSP, HostStartError } from '../../../src/main/host/server';
import { httpRequest, RENDERER_DIR, startTestHost, type TestHost } from './host-helpers';

const BUILT = existsSync(join(RENDERER_DIR, 'index.html'));
const PACKAGE_JSON = readFileSync(join(__dirname, '../../../package.json'), 'utf8');

describe('static files', () => {
  let host: TestHost;
  let port: number;
  beforeAll(async () => {
    host = await startTestHost();
    port = host.server.port;
  });
  afterAll(async () => {
    await host?.close();
  });

  test.skipIf(!BUILT)(
    'GET / serves the built index.html with the CSP and hardening headers, not cached',
    async () => {
      const answer = await httpRequest(port, '/');

      expect(answer.status).toBe(200);
      expect(answer.body).toBe(readFileSync(join(RENDERER_DIR, 'index.html'), 'utf8'));
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['content-security-policy']).toBe(HOST_CSP);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-store');
    },
  );

  test.skipIf(!BUILT)('the token in the page URL does not change what is served', async () => {
    const answer = await httpRequest(port, `/?token=${host.server.token}`);

    expect(answer.status).toBe(200);
    expect(answer.headers['content-security-policy']).toBe(HOST_CSP);
  });

  test.skipIf(!BUILT)('a built script is served with its type, the CSP and a cache lifetime', async () => {
    const script = readdirSync(join(RENDERER_DIR, 'assets')).find((f) => f.endsWith('.js'));
    expect(script).toBeDefined();

    const answer = await httpRequest(port, `/assets/${script}`);

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['content-security-policy']).toBe(HOST_CSP);
    expect(answer.headers['cache-control']).toBe('max-age=3600');
  });

  test.skipIf(!BUILT)(
    'the page links the app icon as its favicon, and the icon is served as a PNG',
    async () => {
      const page = await httpRequest(port, '/');
      const href = /<link rel="icon" type="image\/png" href="\.\/([^"]+)"/.exec(page.body)?.[1];

      const icon = await httpRequest(port, `/${href}`);

      expect(href).toBe('icon.png');
      expect(icon.status).toBe(200);
      expect(icon.headers['content-type']).toBe('image/png');
      expect(icon.body.slice(1, 4)).toBe('PNG'); // the body is read as text: byte 0x89 does not survive
    },
  );

  test.skipIf(!BUILT)('HEAD answers the headers without a body', async () => {
    const answer = await httpRequest(port, '/', { method: 'HEAD' });

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
  });

  test('the Host header localhost:port is served like 127.0.0.1:port', async () => {
    const answer = await httpRequest(port, '/no-such-file.js', { headers: { host: `localhost:${port}` } });

    expect(answer.status).toBe(404);
  });

  test.each([
    ['another name (DNS rebinding)', 'evil.example'],
    ['another name with our port', 'evil.example:PORT'],
    ['our address on another port', '127.0.0.1:1'],
    ['our address without the port', '127.0.0.1'],
    ['a name ending in ours', 'x127.0.0.1:PORT'],
  ])('a Host header of %s gets 421 and nothing else', async (_label, hostHeader) => {
    const answer = await httpRequest(port, '/', {
      headers: { host: hostHeader.replace('PORT', String(port)) },
    });

    expect(answer.status).toBe(421);
    expect(answer.body).not.toContain('<html');
    expect(answer.headers['content-security-policy']).toBe(HOST_CSP);
  });

  test.each([
    '/../package.json',
    '/../../package.json',
    '/%2e%2e/package.json',
    '/%2e%2e%2fpackage.json',
    '/..%2fpackage.json',
    '/..%2f..%2fpackage.json',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/..%5c..%5cpackage.json',
    '/%252e%252e/package.json',
    '/....//package.json',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/etc/passwd%00.js',
  ])('path traversal %s gets 404 and no file from outside the renderer', async (path) => {
    const answer = await httpRequest(port, path);

    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('"name": "marketboss"');
    expect(answer.body).not.toContain('root:');
    expect(answer.body).not.toBe(PACKAGE_JSON);
  });

  test('a folder inside the renderer is not listed', async () => {
    expect((await httpRequest(port, '/assets')).status).toBe(404);
    expect((await httpRequest(port, '/assets/')).status).toBe(404);
  });

  test.each(['POST', 'PUT', 'DELETE'])('%s gets 405 with Allow: GET, HEAD', async (method) => {
    const answer = await httpRequest(port, '/', { method });

    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });
});

describe('static files when the renderer is not built', () => {
  let host: TestHost;
  let empty: string;
  beforeAll(async () => {
    empty = mkdtempSync(join(tmpdir(), 'marketboss-no-renderer-'));
    host = await startTestHost({ rendererDir: join(empty, 'renderer') });
  });
  afterAll(async () => {
    await host?.close();
    rmSync(empty, { recursive: true, force: true });
  });

  test('GET / answers 503 saying how to build it', async () => {
    const answer = await httpRequest(host.server.port, '/');

    expect(answer.status).toBe(503);
    expect(answer.body).toContain('npm run build');
  });

  test('other files are 404', async () => {
    expect((await httpRequest(host.server.port, '/assets/index.js')).status).toBe(404);
  });
});

describe('starting the host', () => {
  let blocker: Server;
  let busyPort: number;
  beforeAll(async () => {
    blocker = createServer();
    busyPort = await new Promise<number>((done) =>
      blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)),
    );
  });
  afterAll(async () => {
    await new Promise((done) => blocker.close(done));
  });

  test('a port already in use is a HostStartError naming the port and how to choose another', async () => {
    const attempt = startTestHost({ port: busyPort });

    await expect(attempt).rejects.toBeInstanceOf(HostStartError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`port ${busyPort} on 127\\.0\\.0\\.1 is already in use.*--port`),
    );
  });

  test('port 0 picks a free port; the page URL carries a fresh random token each start', async () => {
    const a = await startTestHost();
    const b = await startTestHost();
    try {
      expect(a.server.port).toBeGreaterThan(0);
      expect(a.server.port).not.toBe(b.server.port);
      expect(a.server.token).toMatch(/^[0-9a-f]{48}$/);
      expect(a.server.token).not.toBe(b.server.token);
      expect(a.server.url).toBe(`http://127.0.0.1:${a.server.port}/?token=${a.server.token}`);
      expect(a.server.origin).toBe(`http://127.0.0.1:${a.server.port}`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('closing the host frees its port for the next start', async () => {
    const first = await startTestHost();
    const port = first.server.port;
    await first.close();

    const second = await startTestHost({ port });

    expect(second.server.port).toBe(port);
    await second.close();
  });
});
