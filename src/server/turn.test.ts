// TURN credentials in coturn's REST scheme: the configuration rules, the credential format
// against an independently computed HMAC, and a real coturn that accepts a fresh credential and
// refuses an expired or forged one.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { coturnMissing, startCoturn, type Coturn } from '../testkit/server/coturnProcess.js';
import { startTestServer } from '../testkit/server/TestClient.js';
import { tryAllocate } from '../testkit/server/TurnAllocation.js';
import { ConfigError, loadConfig } from './config.js';
import { DEFAULT_TURN_TTL_SECONDS, issueTurnServer, parseTurnConfig } from './TurnCredentials.js';

const SECRET = 'a-shared-secret-of-16+';
const nowhere = '/nonexistent/dist-server/server';

describe('TURN configuration', () => {
  it('is off by default and reads TURN_URLS, TURN_SECRET and TURN_TTL', () => {
    assert.equal(parseTurnConfig({}), null);
    assert.deepEqual(
      parseTurnConfig({
        TURN_URLS: 'turn:relay.example:3478?transport=udp, turns:relay.example:5349,',
        TURN_SECRET: SECRET,
        TURN_TTL: '3600',
      }),
      {
        urls: ['turn:relay.example:3478?transport=udp', 'turns:relay.example:5349'],
        secret: SECRET,
        ttlSeconds: 3600,
      },
    );
    assert.equal(
      parseTurnConfig({ TURN_URLS: 'turn:r', TURN_SECRET: SECRET })?.ttlSeconds,
      DEFAULT_TURN_TTL_SECONDS,
    );
  });

  it('refuses half a configuration, short secrets and static TURN passwords', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ TURN_URLS: 'turn:r' }, /TURN_SECRET is not/],
      [{ TURN_SECRET: SECRET }, /TURN_URLS is empty/],
      [{ TURN_TTL: '600' }, /TURN_TTL is set but/],
      [{ TURN_URLS: 'stun:r', TURN_SECRET: SECRET }, /"stun:r" must be a turn: or turns: URL/],
      [{ TURN_URLS: 'turn:r', TURN_SECRET: 'short' }, /at least 16 characters/],
      [{ TURN_URLS: 'turn:r', TURN_SECRET: SECRET, TURN_TTL: '10' }, /TURN_TTL must be/],
      [{ TURN_URLS: 'turn:r', TURN_SECRET: SECRET, TURN_TTL: '1e9' }, /TURN_TTL must be/],
      [
        { ICE_SERVERS: '[{"urls":"turn:relay.example","username":"u","credential":"p"}]' },
        /ICE_SERVERS\[0\]: "turn:relay.example" belongs in TURN_URLS/,
      ],
      [
        { ICE_SERVERS: '[{"urls":["stun:s","turns:relay.example"]}]' },
        /ICE_SERVERS\[0\]: "turns:relay.example" belongs in TURN_URLS/,
      ],
    ];
    for (const [env, message] of bad) {
      assert.throws(
        () => loadConfig(env, nowhere),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
        JSON.stringify(env),
      );
    }
  });

  it('issues expiry:id usernames with the HMAC-SHA1 password coturn computes', () => {
    const config = { urls: ['turn:r'], secret: SECRET, ttlSeconds: 600 };
    const server = issueTurnServer(config, 1_700_000_000_900, 'abc');
    // Expected value from `printf %s 1700000600:abc | openssl dgst -sha1 -hmac <secret> -binary | base64`.
    assert.deepEqual(server, {
      urls: ['turn:r'],
      username: '1700000600:abc',
      credential: 'AaTiq5Vu4mJ/MExh/kR/1bAbpW4=',
    });
    const a = issueTurnServer(config);
    const b = issueTurnServer(config);
    assert.notEqual(a.username, b.username);
  });
});

describe('/config.json credentials follow TURN_TTL', () => {
  for (const ttl of [60, 7200, 604_800]) {
    it(`expire TURN_TTL=${ttl} s after the request, and say how long they last`, async () => {
      const t = await startTestServer({
        TURN_URLS: 'turn:relay.example:3478',
        TURN_SECRET: SECRET,
        TURN_TTL: String(ttl),
      });
      try {
        const before = Math.floor(Date.now() / 1000);
        const response = await fetch(`${t.httpBase}/config.json`);
        const after = Math.floor(Date.now() / 1000);
        const body = (await response.json()) as {
          iceServers: { username?: string }[];
          iceServersTtl?: unknown;
        };
        // The app plans its next fetch from this (src/net/NetworkConfig.ts).
        assert.equal(body.iceServersTtl, ttl);
        const expiry = Number(body.iceServers[0]?.username?.split(':')[0]);
        assert.ok(expiry >= before + ttl && expiry <= after + ttl, `${expiry} for ttl ${ttl}`);
      } finally {
        await t.stop();
      }
    });
  }

  it('are absent without TURN, and so is a lifetime', async () => {
    const t = await startTestServer({ ICE_SERVERS: '[{"urls":"stun:stun.example:3478"}]' });
    try {
      const body = (await (await fetch(`${t.httpBase}/config.json`)).json()) as Record<
        string,
        unknown
      >;
      assert.deepEqual(body, {
        signalingUrls: [],
        iceServers: [{ urls: 'stun:stun.example:3478' }],
      });
    } finally {
      await t.stop();
    }
  });
});

/** A free UDP port on 127.0.0.1 (coturn listens on UDP and TCP; UDP is what we use). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

describe('TURN credentials against a real coturn', { skip: coturnMissing() ?? false }, () => {
  let coturn: Coturn;
  let port: number;
  const config = { urls: ['turn:127.0.0.1'], secret: SECRET, ttlSeconds: 600 };
  before(async () => {
    port = await freeUdpPort();
    coturn = await startCoturn({ address: '127.0.0.1', port, secret: SECRET, realm: 'test' });
  });
  after(async () => {
    await (coturn as Coturn | undefined)?.stop();
  });

  it('allocates a relay for a credential the server issued', async () => {
    const { username = '', credential = '' } = issueTurnServer(config);
    assert.deepEqual(await tryAllocate(port, username, credential), { ok: true });
  });

  it('refuses the same scheme once the credential has expired', async () => {
    // Issued 601 s ago with a 600 s lifetime: a correct HMAC, an expiry in the past.
    const { username = '', credential = '' } = issueTurnServer(config, Date.now() - 601_000);
    assert.deepEqual(await tryAllocate(port, username, credential), { ok: false, code: 401 });
  });

  it('refuses a credential signed with another secret', async () => {
    const forged = issueTurnServer({ ...config, secret: 'not-the-shared-secret' });
    const outcome = await tryAllocate(port, forged.username ?? '', forged.credential ?? '');
    assert.deepEqual(outcome, { ok: false, code: 401 });
  });
});
