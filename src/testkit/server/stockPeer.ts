/**
 * A stock y-webrtc WebrtcProvider in its own process (y-webrtc keeps one global room registry,
 * so two peers of one room need two processes). It reports what happens as JSON lines on
 * stdout and quits when its stdin closes, or after 60 s at the latest.
 *
 *   node --import tsx stockPeer.ts <signaling-url[,url...]> <room> <name> <signaling|webrtc> [password]
 *
 * `signaling` mode sets maxConns to 0, so the peer announces itself and receives announces but
 * never starts WebRTC (Node has none built in). `webrtc` mode uses @roamhq/wrtc.
 */
import { createRequire } from 'node:module';
import { WebSocket } from 'ws';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';

const args: (string | undefined)[] = process.argv.slice(2);
const [url, room, name, mode, password] = args;
if (url === undefined || room === undefined || name === undefined) {
  throw new Error(
    'usage: stockPeer.ts <signaling-url> <room> <name> <signaling|webrtc> [password]',
  );
}

const emit = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

// y-webrtc's signaling client (lib0/websocket) uses the browser's global WebSocket.
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

let peerOpts: Record<string, unknown> = {};
if (mode === 'webrtc') {
  const wrtc: unknown = createRequire(import.meta.url)('@roamhq/wrtc');
  // No STUN/TURN: the peers share a host, and no traffic may leave it.
  peerOpts = { wrtc, config: { iceServers: [] } };
}

const doc = new Y.Doc();
const provider = new WebrtcProvider(room, doc, {
  // Several servers, comma-separated: y-webrtc connects to every one and publishes to all.
  signaling: url.split(','),
  maxConns: mode === 'webrtc' ? 20 : 0,
  peerOpts,
  ...(password === undefined ? {} : { password }),
});

interface Emitter {
  on(event: 'message', listener: (message: unknown) => void): void;
}
provider.signalingConns.forEach((conn, server) =>
  (conn as Emitter).on('message', (message) => emit({ event: 'signaling', message, server })),
);
provider.on('peers', (change) =>
  emit({ event: 'peers', added: change.added, webrtcPeers: change.webrtcPeers }),
);
const chat = doc.getMap<string>('chat');
chat.observe(() => emit({ event: 'doc', chat: chat.toJSON() }));

await provider.key;
emit({ event: 'ready', peerId: provider.room?.peerId ?? null });
chat.set(name, `hello from ${name}`);

const quit = (code: number): void => {
  provider.destroy();
  doc.destroy();
  // y-webrtc and wrtc keep timers and native handles; the parent waits for this exit.
  setTimeout(() => process.exit(code), 50);
};
process.stdin.on('end', () => quit(0));
process.stdin.resume();
setTimeout(() => quit(2), 60_000).unref();
