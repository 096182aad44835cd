// The HTTP side: the built PWA with its cache headers and content types, the SPA fallback,
// path traversal refusal, /healthz, /metrics and /config.json.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, TestClient, type TestServer } from '../testkit/server/TestClient.js';
import { WAIT_MS } from '../testkit/waitFor.js';

const TURN_SECRET = 'turn-secret-for-this-test';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET (or other method): the path is sent exactly as given, unnormalized. */
function get(
  base: string,
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.end();
  });
}

const SECRET = 'outside the static directory';

describe('HTTP: static files, health, metrics, client config', () => {
  let root: string;
  let t: TestServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'meshchat-static-'));
    const dist = join(root, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    const files: Record<string, string> = {
      'index.html': '<!doctype html><title>MeshChat</title>',
      'sw.js': 'self.addEventListener("fetch", () => {});',
      'registerSW.js': 'navigator.serviceWorker.register("/sw.js");',
      'manifest.webmanifest': '{"name":"MeshChat"}',
      'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'icon-192.png': '\x89PNG',
      'data.json': '{}',
      'assets/index-3f2a1b.js': 'console.log("app");',
      'assets/index-9c8d7e.css': 'body{}',
      'assets/sql-4e5f.wasm': '\0asm',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dist, name), content);
    writeFileSync(join(root, 'secret.txt'), SECRET);
    symlinkSync(join(root, 'secret.txt'), join(dist, 'link.txt'));
    t = await startTestServer({
      STATIC_DIR: dist,
      SIGNALING_URLS: 'wss://signal.example/signal, ws://127.0.0.1:4444',
      ICE_SERVERS: '[{"urls":"stun:stun.example:3478"}]',
      TURN_URLS: 'turn:turn.example:3478?transport=udp, turns:turn.example:5349',
      TURN_SECRET: TURN_SECRET,
      TURN_TTL: '600',
    });
  });
  after(async () => {
    await t.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves every file type with the right Content-Type', async () => {
    const expected: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/index.html', 'text/html; charset=utf-8'],
      ['/sw.js', 'text/javascript; charset=utf-8'],
      ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8'],
      ['/icon.svg', 'image/svg+xml'],
      ['/icon-192.png', 'image/png'],
      ['/data.json', 'application/json; charset=utf-8'],
      ['/assets/index-3f2a1b.js', 'text/javascript; charset=utf-8'],
      ['/assets/index-9c8d7e.css', 'text/css; charset=utf-8'],
      ['/assets/sql-4e5f.wasm', 'application/wasm'],
    ];
    for (const [path, type] of expected) {
      const reply = await get(t.httpBase, path);
      assert.equal(reply.status, 200, path);
      assert.equal(reply.headers['content-type'], type, path);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff', path);
    }
  });

  it('caches hashed assets forever and makes the app shell revalidate', async () => {
    for (const path of ['/assets/index-3f2a1b.js', '/assets/index-9c8d7e.css']) {
      const reply = await get(t.httpBase, path);
      assert.equal(reply.headers['cache-control'], 'public, max-age=31536000, immutable', path);
    }
    for (const path of ['/', '/index.html', '/sw.js', '/registerSW.js', '/manifest.webmanifest']) {
      const reply = await get(t.httpBase, path);
      assert.equal(reply.headers['cache-control'], 'no-cache', path);
    }
  });

  it('answers a matching If-None-Match with 304, and HEAD without a body', async () => {
    const first = await get(t.httpBase, '/sw.js');
    const etag = String(first.headers.etag);
    const again = await get(t.httpBase, '/sw.js', 'GET', { 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    const head = await get(t.httpBase, '/sw.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(first.body.length));
    assert.equal(head.body, '');
  });

  it('serves index.html for extension-less deep links, 404 for missing files', async () => {
    for (const path of ['/r/some-room', '/r/some-room/', '/settings?x=1']) {
      const reply = await get(t.httpBase, path);
      assert.equal(reply.status, 200, path);
      assert.match(reply.body, /<title>MeshChat<\/title>/, path);
      assert.equal(reply.headers['cache-control'], 'no-cache', path);
    }
    for (const path of ['/missing.js', '/assets/index-000000.js', '/assets/gone']) {
      assert.equal((await get(t.httpBase, path)).status, 404, path);
    }
  });

  it('never serves anything outside the static directory', async () => {
    const attempts = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..\\secret.txt',
      '/link.txt', // a symlink pointing outside
      '/%00index.html',
      '/%E0%A4%A', // malformed percent-encoding
    ];
    for (const path of attempts) {
      const reply = await get(t.httpBase, path);
      assert.ok(!reply.body.includes(SECRET), `${path} leaked the secret`);
      if (reply.status === 200)
        assert.match(reply.body, /MeshChat/, path); // SPA fallback only
      else assert.ok([400, 404].includes(reply.status), `${path}: ${reply.status}`);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const reply = await get(t.httpBase, '/index.html', 'POST');
    assert.equal(reply.status, 405);
    assert.equal(reply.headers.allow, 'GET, HEAD');
  });

  it('reports health on /healthz', async () => {
    const reply = await get(t.httpBase, '/healthz');
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { status: 'ok', connections: 0 });
    assert.equal(reply.headers['cache-control'], 'no-store');
  });

  it('serves the client configuration with a fresh TURN credential per request', async () => {
    const before = Math.floor(Date.now() / 1000);
    const [one, two] = [
      await get(t.httpBase, '/config.json'),
      await get(t.httpBase, '/config.json'),
    ];
    assert.equal(one.status, 200);
    assert.equal(one.headers['content-type'], 'application/json; charset=utf-8');
    // A credential is one visitor's: no shared cache may hand it to the next one.
    assert.equal(one.headers['cache-control'], 'private, no-store');
    const body = JSON.parse(one.body) as {
      signalingUrls: string[];
      iceServers: ({ urls: unknown; username?: string; credential?: string } | undefined)[];
    };
    assert.deepEqual(body.signalingUrls, ['wss://signal.example/signal', 'ws://127.0.0.1:4444']);
    assert.deepEqual(body.iceServers[0], { urls: 'stun:stun.example:3478' });
    const relay = body.iceServers[1];
    assert.ok(relay !== undefined);
    assert.deepEqual(relay.urls, [
      'turn:turn.example:3478?transport=udp',
      'turns:turn.example:5349',
    ]);
    const [expiry, id] = (relay.username ?? '').split(':');
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= before + 602, relay.username);
    assert.match(id ?? '', /^[\w-]{8,}$/);
    assert.equal(
      relay.credential,
      createHmac('sha1', TURN_SECRET)
        .update(relay.username ?? '')
        .digest('base64'),
    );
    const other = (JSON.parse(two.body) as typeof body).iceServers[1];
    assert.notEqual(other?.username, relay.username);
  });

  it('exposes Prometheus metrics that follow the text format and track the server', async () => {
    const client = await TestClient.connect(`${t.wsBase}/signal`);
    await client.subscribe('metrics-room');
    client.send({ type: 'publish', topic: 'metrics-room', data: 'x' });
    await client.waitFor((m) => m.type === 'publish', 'echo');
    const reply = await get(t.httpBase, '/metrics');
    assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const lines = reply.body.trimEnd().split('\n');
    const sample = /^[a-z_:][a-z0-9_:]*(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? -?[0-9.e+]+$/;
    for (const line of lines) {
      assert.ok(/^# (HELP|TYPE) [a-z_:][a-z0-9_:]* .+$/.test(line) || sample.test(line), line);
    }
    const value = (series: string): number => {
      const line = lines.find((l) => l.startsWith(`${series} `));
      assert.ok(line !== undefined, `missing ${series}`);
      return Number(line.split(' ')[1]);
    };
    assert.equal(value('meshchat_signaling_connections'), 1);
    assert.equal(value('meshchat_signaling_topics'), 1);
    assert.ok(value('meshchat_signaling_frames_in_total') >= 3);
    assert.ok(value('meshchat_signaling_frames_out_total') >= 2);
    assert.ok(value('meshchat_signaling_bytes_out_total') > 0);
    assert.equal(value('meshchat_signaling_drops_total{reason="invalid_json"}'), 0);
    client.send('not json');
    await client.waitClosed();
    const afterReply = await get(t.httpBase, '/metrics');
    assert.match(afterReply.body, /^meshchat_signaling_drops_total\{reason="invalid_json"\} 1$/m);
  });
});

describe('HTTP without a built app', () => {
  it('answers 404 for pages but still serves signaling and health', async () => {
    const t = await startTestServer({ STATIC_DIR: mkdtempSync(join(tmpdir(), 'meshchat-empty-')) });
    try {
      assert.equal((await get(t.httpBase, '/')).status, 404);
      assert.equal((await get(t.httpBase, '/r/room')).status, 404);
      assert.equal((await get(t.httpBase, '/healthz')).status, 200);
      const client = await TestClient.connect(`${t.wsBase}/`);
      await client.roundTrip();
      await client.close();
    } finally {
      await t.stop();
    }
  });
});
