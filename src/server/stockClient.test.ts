// Stock y-webrtc WebrtcProviders (unmodified, from node_modules) against our server: first at
// the signaling level, then a full WebRTC pairing with a Yjs sync over the data channel.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { PeerProcess, type PeerEvent } from '../testkit/server/PeerProcess.js';
import { startTestServer, type TestServer } from '../testkit/server/TestClient.js';
import { withTimeout } from '../testkit/waitFor.js';

describe('stock y-webrtc providers, signaling only', () => {
  let t: TestServer;
  const peers: PeerProcess[] = [];
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await Promise.all(peers.map((peer) => peer.stop()));
    await t.stop();
  });

  it('relays their announces, from either signaling path', async () => {
    const room = 'open-room';
    // Different paths on purpose: the canonical /signal and the bare origin.
    const first = new PeerProcess(`${t.wsBase}/signal`, room, 'first', 'signaling');
    peers.push(first);
    const firstId = await first.peerId();
    // Its own announce echoed back proves the first peer is subscribed.
    const ownEcho = {
      type: 'publish',
      topic: room,
      data: { type: 'announce', from: firstId },
      clients: 1,
    };
    await first.waitFor((e) => isDeepStrictEqual(e.message, ownEcho), 'the first peer’s own echo');
    const second = new PeerProcess(`${t.wsBase}/`, room, 'second', 'signaling');
    peers.push(second);
    const secondId = await second.peerId();
    const announce = {
      type: 'publish',
      topic: room,
      data: { type: 'announce', from: secondId },
      clients: 2,
    };
    const isAnnounce = (e: PeerEvent): boolean => isDeepStrictEqual(e.message, announce);
    // The first peer was subscribed when the second announced itself: it gets that announce
    // (to which a WebRTC-capable peer answers with an offer), and the second gets its echo.
    await first.waitFor(isAnnounce, 'the second peer’s announce');
    await second.waitFor(isAnnounce, 'the echo of its own announce');
    assert.notEqual(firstId, secondId);
    // (Encrypted rooms are paired in the WebRTC test below: with maxConns 0 a stock provider
    // whose key derivation finishes after connecting never announces at all.)
  });
});

const here = dirname(fileURLToPath(import.meta.url));

/** Why no private network namespace can be made here, or null when one can. */
function noNetns(): string | null {
  if (process.env.MESHCHAT_NO_NETNS === '1') return 'MESHCHAT_NO_NETNS=1 is set';
  const probe = spawnSync('unshare', ['-n', 'true'], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  return `\`unshare -n true\` failed: ${probe.error?.message ?? probe.stderr.trim()}`;
}

/**
 * Where this test must run rather than skip: under CI, and as root (who can always make a
 * namespace, so failing to is a broken machine, not a developer's laptop).
 */
function mustRun(): string | null {
  if (process.env.CI === 'true') return 'CI=true';
  if (process.getuid?.() === 0) return 'running as root';
  return null;
}

describe('stock y-webrtc providers over real WebRTC (@roamhq/wrtc)', () => {
  it('pair through our server and sync their documents, open and encrypted rooms', async (t) => {
    // WebRTC connectivity checks go to every local address; in a fresh namespace with only
    // loopback they cannot reach anything but this test.
    const missing = noNetns();
    if (missing !== null) {
      const why = `needs \`unshare -n\` to keep WebRTC traffic in a private network namespace (${missing})`;
      const where = mustRun();
      // A skip here would hide the only real-WebRTC check of stock clients.
      if (where !== null) assert.fail(`${why}; it must run here (${where}), so it fails`);
      t.skip(why);
      return;
    }
    assert.doesNotThrow(
      () => createRequire(import.meta.url).resolve('@roamhq/wrtc'),
      'devDependency @roamhq/wrtc is missing: npm i -D @roamhq/wrtc@0.10.0',
    );
    const child = spawn(
      'unshare',
      [
        '-n',
        'sh',
        '-c',
        'ip link set lo up && exec "$0" "$@"',
        process.execPath,
        '--import',
        'tsx',
        join(here, '../testkit/server/pairInNamespace.ts'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await withTimeout(
      new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c))),
      'the pairing to finish',
      90_000,
    ).finally(() => child.kill('SIGKILL'));
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      ok: boolean;
      error?: string;
      rooms: Partial<
        Record<string, { peerId: string; sawPeers: string[]; doc: Record<string, string> }[]>
      >;
    };
    assert.equal(result.ok, true, `${result.error ?? ''}\n${err}`);
    assert.equal(code, 0);
    for (const room of ['open-room', 'secret-room']) {
      const [alice, bob] = result.rooms[room] ?? [];
      assert.ok(alice !== undefined && bob !== undefined, `${room}: two peers`);
      // Each lists the other as a WebRTC peer, and each document holds both texts.
      assert.deepEqual(alice.sawPeers, [bob.peerId], room);
      assert.deepEqual(bob.sawPeers, [alice.peerId], room);
      const both = { alice: 'hello from alice', bob: 'hello from bob' };
      assert.deepEqual(alice.doc, both, room);
      assert.deepEqual(bob.doc, both, room);
    }
  });
});
