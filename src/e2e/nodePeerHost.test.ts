// Node peers that share a process for the room-scale benchmark stay separate peers: each has
// its own signaling connection, and what one sends reaches the other over WebRTC (not through
// shared module state or a BroadcastChannel of the process).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBenchServer, type BenchServer } from '../bench/BenchServer';
import {
  bundleNodePeer,
  pollUntil,
  spawnNodePeers,
  type NodePeer,
  type PeerBundle,
} from '../bench/nodePeerProcesses';

let server: BenchServer;
let bundle: PeerBundle;
before(async () => {
  server = await startBenchServer('ours');
  bundle = await bundleNodePeer();
});
after(async () => {
  await server.stop();
  bundle.remove();
});

/** The server's gauge of open signaling connections. */
async function signalingConnections(): Promise<number> {
  const metrics = await (await fetch(`${server.url.replace(/^ws/, 'http')}metrics`)).text();
  const match = /^meshchat_signaling_connections (\d+)$/m.exec(metrics);
  assert.ok(match, metrics);
  return Number(match[1]);
}

describe('Node peers hosted in one process', () => {
  it(
    'two peers of one process meet over WebRTC, each with its own signaling',
    { timeout: 60_000 },
    async () => {
      const peers: NodePeer[] = spawnNodePeers(bundle, server.url, 'hosted-room', ['a', 'b']);
      const [a, b] = peers;
      assert.ok(a && b);
      try {
        assert.equal(a.process, b.process, 'one process hosts both');
        assert.equal(await a.ready, true);
        a.request({ type: 'join' });
        b.request({ type: 'join' });
        b.request({ type: 'expect', count: 1 });
        const linked = await pollUntil(
          () => Promise.resolve((a.latest()?.peers ?? 0) >= 1 && (b.latest()?.peers ?? 0) >= 1),
          Date.now() + 30_000,
        );
        assert.ok(linked, JSON.stringify([a.latest(), b.latest()]));
        assert.equal(await signalingConnections(), 2);
        const before = b.latest()?.bytesReceived ?? 0;
        a.request({ type: 'send', texts: ['across the process'] });
        const delivered = await pollUntil(
          () => Promise.resolve(b.latest()?.completeAt !== undefined),
          Date.now() + 20_000,
          100,
        );
        assert.ok(delivered, JSON.stringify(b.latest()));
        // It came over the data channel: b received bytes from its WebRTC peer, and neither
        // peer ever saw the other as a tab of the same browser.
        assert.ok((b.latest()?.bytesReceived ?? 0) > before, JSON.stringify(b.latest()));
        assert.equal(a.latest()?.localTabs, 0);
        assert.equal(b.latest()?.localTabs, 0);
        assert.equal(b.latest()?.messages, 1);
      } finally {
        await a.process.stop(3000, () => a.request({ type: 'stop' }));
      }
      assert.equal(await a.process.exited.then(() => true), true);
    },
  );
});
