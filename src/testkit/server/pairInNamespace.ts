/**
 * Runs inside a private network namespace (see stockClient.test.ts): starts our server on
 * 127.0.0.1, lets two stock y-webrtc providers with a real WebRTC stack (@roamhq/wrtc) find
 * each other through it, and prints one JSON line describing what each peer saw. An open room
 * and a password-protected one (encrypted signaling payloads) are both paired.
 */
import { PeerProcess, type PeerEvent } from './PeerProcess.js';
import { startTestServer } from './TestClient.js';

interface PeerReport {
  peerId: string;
  sawPeers: unknown;
  doc: unknown;
}

const server = await startTestServer();
const rooms: Record<string, PeerReport[]> = {};
try {
  for (const [room, password] of [
    ['open-room', undefined],
    ['secret-room', 'correct horse battery staple'],
  ] as const) {
    const a = new PeerProcess(`${server.wsBase}/signal`, room, 'alice', 'webrtc', password);
    await a.peerId(); // let alice subscribe first, so bob's announce is what pairs them
    const b = new PeerProcess(`${server.wsBase}/`, room, 'bob', 'webrtc', password);
    try {
      const both = (e: PeerEvent): boolean =>
        e.event === 'doc' &&
        JSON.stringify(e.chat).includes('alice') &&
        JSON.stringify(e.chat).includes('bob');
      const [docA, docB] = await Promise.all([
        a.waitFor(both, `alice to receive bob's text in ${room}`),
        b.waitFor(both, `bob to receive alice's text in ${room}`),
      ]);
      const report = async (peer: PeerProcess, doc: PeerEvent): Promise<PeerReport> => ({
        peerId: await peer.peerId(),
        sawPeers: (await peer.waitFor((e) => e.event === 'peers', 'a peers event')).webrtcPeers,
        doc: doc.chat,
      });
      rooms[room] = [await report(a, docA), await report(b, docB)];
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  process.stdout.write(`${JSON.stringify({ ok: true, rooms })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
  process.exitCode = 1;
} finally {
  await server.stop();
}
