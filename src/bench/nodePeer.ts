// A Node process hosting one or more room peers for the room-scale benchmark, driven by its
// parent over IPC. Each peer is src/bench/nodePeerInstance.ts imported under its own URL
// (`?peer=<index>`): a fresh instance of every module it bundles, so each peer keeps its own
// identity, Y.Doc, RoomSession, y-webrtc room and signaling connection, and its own WebRTC
// connections. What the peers of a process share is the process itself: one V8 heap, one
// event loop and wrtc's native threads (one PeerConnectionFactory with its audio device
// ticking every 10 ms), which cost as much for one peer as for ten.
// The process says 'ready' once every peer is loaded and joins a peer to the room when told,
// so that starting processes and joining the room are separate phases.
// Usage: node nodePeer.mjs <signalingUrl> <roomId> <instanceFile> <name>[,<name>...]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import type { HostedPeer, PeerCommand } from './nodePeerInstance';
import { NativeCalls } from './nodePeerSends';

/** A command to the peer at `peer` (its index among the names), or to stop the process. */
export type HostCommand = { type: 'peer'; peer: number; command: PeerCommand } | { type: 'stop' };

// y-webrtc and simple-peer look for the browser's globals. No BroadcastChannel: Node's reaches
// every instance in the process, and y-webrtc would take the peers hosted here for tabs of one
// browser (filterBcConns) and link them over it instead of WebRTC; with none, lib0 falls back
// to a channel that reaches no one, as for a peer alone in its process.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  WebSocket,
  BroadcastChannel: undefined,
});

// MESHCHAT_PEER_SENDS=1: native calls counted from the deliver phase, printed on stop.
const nativeCalls = process.env.MESHCHAT_PEER_SENDS === '1' ? new NativeCalls(wrtc) : undefined;

const [signalingUrl = '', roomId = '', instanceFile = '', namesArg = ''] = process.argv.slice(2);
const names = namesArg.split(',').filter((name) => name !== '');
if (!signalingUrl || !roomId || !instanceFile || names.length === 0)
  throw new Error('usage: nodePeer <signalingUrl> <roomId> <instanceFile> <name>[,<name>...]');

type Instance = typeof import('./nodePeerInstance');
const peers: HostedPeer[] = [];
for (const [index, name] of names.entries()) {
  // Yjs warns when it is imported twice in one realm (it marks the realm): here that is
  // intended, one Yjs per peer.
  delete (globalThis as Record<string, unknown>)['__ $YJS$ __'];
  const url = `${pathToFileURL(instanceFile).href}?peer=${index}`;
  const { startPeer } = (await import(url)) as Instance;
  peers.push(
    await startPeer({
      signalingUrl,
      roomId,
      name,
      report: (report) => {
        if (process.connected) process.send?.({ ...report, peer: index });
      },
    }),
  );
}

// MESHCHAT_PEER_PROFILE=<dir>: a CPU profile of the process from the first 'expect' (the
// deliver phase) until 'stop', saved there as <first name>.cpuprofile. With
// MESHCHAT_PEER_PROFILE_IDLE_MS=<ms> instead from that long after the first 'join' until the
// first 'expect': the idle room (with MESHCHAT_SCALE_IDLE_MS, long enough to be connected).
const profileDir = process.env.MESHCHAT_PEER_PROFILE;
const idleProfileMs = Number(process.env.MESHCHAT_PEER_PROFILE_IDLE_MS ?? 0);
let delivering = false;
let profiler: Session | undefined;
const post = (method: string): Promise<unknown> =>
  new Promise((resolve, reject) =>
    profiler?.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );
let idleTimer: NodeJS.Timeout | undefined;
function startProfile(): void {
  profiler = new Session();
  profiler.connect();
  void post('Profiler.enable').then(() => post('Profiler.start'));
}
async function saveProfile(): Promise<void> {
  if (!profiler || !profileDir) return;
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(join(profileDir, `${names[0]}.cpuprofile`), JSON.stringify(profile));
}

process.on('message', (message: HostCommand) => {
  if (message.type === 'peer') {
    const firstExpect = message.command.type === 'expect' && !delivering;
    if (firstExpect) {
      delivering = true;
      nativeCalls?.reset();
    }
    if (
      profileDir &&
      !profiler &&
      !idleTimer &&
      idleProfileMs > 0 &&
      message.command.type === 'join'
    )
      idleTimer = setTimeout(startProfile, idleProfileMs);
    if (profileDir && idleProfileMs > 0 && firstExpect) {
      clearTimeout(idleTimer);
      void saveProfile().then(() => (profiler = undefined));
    }
    if (profileDir && !profiler && !idleProfileMs && firstExpect) startProfile();
    peers[message.peer]?.handle(message.command);
  } else {
    // Leave the room (the others see the peers go at once), but not for long.
    setTimeout(() => process.exit(0), profileDir ? 30_000 : 1000).unref();
    if (nativeCalls) console.error(nativeCalls.summary(`peers ${namesArg}`));
    void saveProfile()
      .catch((error: unknown) => console.error(`[peers ${namesArg}] profile: ${String(error)}`))
      .then(() => Promise.allSettled(peers.map((peer) => peer.destroy())))
      .then(() => process.exit(0));
  }
});
// A browser tab logs an exception thrown in an event handler and goes on; y-webrtc's lib0
// websocket can throw from send() while reconnecting under load. Behave like the tab.
let uncaught = 0;
process.on('uncaughtException', (error) => {
  uncaught += 1;
  if (uncaught <= 3) console.error(`[peers ${namesArg}] ${error.message}`);
});
process.send?.({ type: 'ready' });
// Never outlive the parent or a bounded run.
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
