// One room peer in Node for the room-scale benchmark: the real RoomSession (signed log,
// presence, chunked channels) over @roamhq/wrtc, driven by its parent over IPC. It says
// 'ready' once loaded and joins the room when told, so that starting many processes and
// joining the room are separate phases.
// Usage: node --import tsx src/bench/nodePeer.ts <signalingUrl> <roomId> <name>
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';

// y-webrtc and simple-peer look for the browser's globals.
Object.assign(globalThis, {
  RTCPeerConnection: wrtc.RTCPeerConnection,
  RTCSessionDescription: wrtc.RTCSessionDescription,
  RTCIceCandidate: wrtc.RTCIceCandidate,
  WebSocket,
});

const { RoomSession } = await import('../compose/RoomSession');
const { Identity } = await import('../identity/Identity');
const { MemoryKeyStore } = await import('../identity/MemoryKeyStore');
const { Verifier } = await import('../identity/Verifier');

/** Commands from the parent. */
export type PeerCommand =
  | { type: 'join' }
  | { type: 'send'; texts: string[] }
  | { type: 'expect'; count: number }
  | { type: 'stop' };

/**
 * What a peer pushes to its parent every REPORT_EVERY_MS once it has joined, and as soon as
 * it is complete, so the parent never waits on a busy peer to answer. A report that comes
 * late means the peer's event loop was busy that long.
 */
export interface PeerReport {
  type: 'report';
  messages: number;
  peers: number;
  bytesReceived: number;
  /** Wall clock (ms) when the expected count was first reached. */
  completeAt: number | undefined;
  /** Wall clock (ms) when the last send command was carried out. */
  sentAt: number | undefined;
  /** Awareness updates seen (own and peers'); y-webrtc sends each one to every connection. */
  awarenessUpdates: number;
}

const REPORT_EVERY_MS = 500;

const [signalingUrl = '', roomId = '', name = ''] = process.argv.slice(2);
if (!signalingUrl || !roomId || !name)
  throw new Error('usage: nodePeer <signalingUrl> <roomId> <name>');

const wallClock = (): number => performance.timeOrigin + performance.now();
const identity = await Identity.loadOrCreate(new MemoryKeyStore());
let session: InstanceType<typeof RoomSession> | undefined;
let expected = Number.POSITIVE_INFINITY;
let completeAt: number | undefined;
let sentAt: number | undefined;
let awarenessUpdates = 0;

function join(): InstanceType<typeof RoomSession> {
  const joined = new RoomSession({
    roomId,
    signer: identity,
    verifier: new Verifier(),
    network: { signalingUrls: [signalingUrl], iceServers: [] },
    displayName: name,
  });
  joined.awareness.on('update', () => (awarenessUpdates += 1));
  joined.log.observe(checkComplete);
  setInterval(report, REPORT_EVERY_MS);
  return joined;
}

function report(): void {
  if (!session || !process.connected) return;
  const status: PeerReport = {
    type: 'report',
    messages: session.log.entries().length,
    peers: session.network.status().peers,
    bytesReceived: session.network.bytesReceived(),
    completeAt,
    sentAt,
    awarenessUpdates,
  };
  process.send?.(status);
}

function checkComplete(): void {
  if (!session || completeAt !== undefined || session.log.entries().length < expected) return;
  completeAt = wallClock();
  report();
}

process.on('message', (command: PeerCommand) => {
  switch (command.type) {
    case 'join':
      session ??= join();
      break;
    case 'send':
      for (const text of command.texts) session?.send(text);
      sentAt = wallClock();
      report();
      break;
    case 'expect':
      expected = command.count;
      checkComplete();
      break;
    case 'stop':
      void session?.destroy();
      process.exit(0);
  }
});
// A browser tab logs an exception thrown in an event handler and goes on; y-webrtc's lib0
// websocket can throw from send() while reconnecting under load. Behave like the tab.
let uncaught = 0;
process.on('uncaughtException', (error) => {
  uncaught += 1;
  if (uncaught <= 3) console.error(`[peer ${name}] ${error.message}`);
});
process.send?.({ type: 'ready' });
// Never outlive the parent or a bounded run.
process.on('disconnect', () => process.exit(0));
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
