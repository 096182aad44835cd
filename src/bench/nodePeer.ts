// One room peer in Node for the room-scale benchmark: the real RoomSession (signed log,
// presence, chunked channels) over @roamhq/wrtc, driven by its parent over IPC.
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

const { RoomSession } = await import('../app/RoomSession');
const { Identity } = await import('../identity/Identity');
const { MemoryKeyStore } = await import('../identity/MemoryKeyStore');
const { Verifier } = await import('../identity/Verifier');

/** Commands from the parent. */
export type PeerCommand =
  | { type: 'send'; texts: string[] }
  | { type: 'expect'; count: number }
  | { type: 'report' }
  | { type: 'stop' };

/** What a peer reports. */
export interface PeerReport {
  type: 'report';
  messages: number;
  peers: number;
  bytesReceived: number;
  /** Wall clock (ms) when the expected count was first reached. */
  completeAt: number | undefined;
  /** Wall clock (ms) when the last send command was carried out. */
  sentAt: number | undefined;
}

const [signalingUrl, roomId, name] = process.argv.slice(2);
if (!signalingUrl || !roomId || !name)
  throw new Error('usage: nodePeer <signalingUrl> <roomId> <name>');

const wallClock = (): number => performance.timeOrigin + performance.now();
const identity = await Identity.loadOrCreate(new MemoryKeyStore());
const session = new RoomSession({
  roomId,
  signer: identity,
  verifier: new Verifier(),
  network: { signalingUrls: [signalingUrl], iceServers: [] },
  displayName: name,
});
let expected = Number.POSITIVE_INFINITY;
let completeAt: number | undefined;
let sentAt: number | undefined;
session.log.observe(() => {
  if (completeAt === undefined && session.log.entries().length >= expected)
    completeAt = wallClock();
});

process.on('message', (command: PeerCommand) => {
  switch (command.type) {
    case 'send':
      for (const text of command.texts) session.send(text);
      sentAt = wallClock();
      break;
    case 'expect':
      expected = command.count;
      if (session.log.entries().length >= expected) completeAt ??= wallClock();
      break;
    case 'report': {
      const report: PeerReport = {
        type: 'report',
        messages: session.log.entries().length,
        peers: session.network.status().peers,
        bytesReceived: session.network.bytesReceived(),
        completeAt,
        sentAt,
      };
      process.send?.(report);
      break;
    }
    case 'stop':
      session.destroy();
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
