// A signaling process dies; the room goes on. Stock y-webrtc peers are given both processes'
// URLs (as SIGNALING_URLS gives the app): y-webrtc connects to every URL and publishes to all,
// so a peer whose first server is gone still finds newcomers through the second, and the two
// processes share the room over Redis while both are up.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess.js';
import { PeerProcess, type PeerEvent } from '../testkit/server/PeerProcess.js';
import { redisMissing, RedisProcess } from '../testkit/server/redisProcess.js';

const ws = (server: ServerProcess): string => `ws://127.0.0.1:${server.port}/signal`;

/** Whether a signaling event carries an announce from `peerId`. */
const announces =
  (peerId: string) =>
  (event: PeerEvent): boolean =>
    event.event === 'signaling' && JSON.stringify(event.message).includes(`"from":"${peerId}"`);

describe('a signaling process dies', { skip: redisMissing() ?? false }, () => {
  let redis: RedisProcess;
  let servers: ServerProcess[] = [];
  let dir: string;
  const peers: PeerProcess[] = [];
  const peer = (urls: string, name: string): PeerProcess => {
    const p = new PeerProcess(urls, 'failover-room', name, 'signaling');
    peers.push(p);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshchat-failover-'));
    redis = await RedisProcess.start();
    const env = { REDIS_URL: redis.url, NODE_ENV: 'development' };
    servers = await Promise.all([startServer(dir, env), startServer(dir, env)]);
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    await Promise.all(servers.map((server) => server.stop()));
    await (redis as RedisProcess | undefined)?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('peers on two processes meet, and a newcomer still finds them after one dies', async () => {
    const [one, two] = servers as [ServerProcess, ServerProcess];
    // A on the first process only, B on the second only: they meet through Redis.
    const a = peer(ws(one), 'a');
    await a.peerId();
    const b = peer(ws(two), 'b');
    await a.waitFor(announces(await b.peerId()), "B's announce reaching A across processes");

    // C is given both URLs, like the app with SIGNALING_URLS; then the first process dies.
    const c = peer(`${ws(one)},${ws(two)}`, 'c');
    await b.waitFor(announces(await c.peerId()), "C's announce reaching B");
    one.child.kill('SIGKILL');
    assert.notEqual(await one.stop(), 0);

    // D arrives after the death, with both URLs too: C and B still hear it through the second.
    const d = peer(`${ws(one)},${ws(two)}`, 'd');
    const dId = await d.peerId();
    await Promise.all([
      b.waitFor(announces(dId), "D's announce reaching B after the first process died"),
      c.waitFor(announces(dId), "D's announce reaching C after the first process died"),
    ]);
  });
});
