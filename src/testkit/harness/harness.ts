// A test page for the end-to-end suites: drives real RoomSessions (real Yjs, y-webrtc,
// awareness, WebCrypto) in this browser context and exposes them to Playwright as
// `window.harness`. Bundled by src/testkit/e2e/harnessBuild.ts; never part of the app.
import { RoomSession } from '../../compose/RoomSession';
import type { ChatEvent } from '../../hub/events';
import { ChatStorage } from '../../storage/ChatStorage';
import { Identity } from '../../identity/Identity';
import { MemoryKeyStore } from '../../identity/MemoryKeyStore';
import { Verifier } from '../../identity/Verifier';
import { loadNetworkConfig } from '../../net/NetworkConfig';
import { hostileMember } from './hostileMember';
import { events, pump, state, wallClock } from './pageState';
import { stored } from './storedHistory';
import { traffic } from './traffic';
import './benchPage';
import './rawChannel';

export interface OpenOptions {
  roomId: string;
  name: string;
  /** PKCS#8 and raw public key (base64) of a key pair to act as; random if absent. */
  key?: { pkcs8: string; publicRaw: string };
  presenceTimeoutMs?: number;
  antiEntropyMs?: number;
  password?: string;
  /** Persist in this context's IndexedDB (as the app does). */
  storage?: boolean;
  /** `false`: y-webrtc's own connections instead of the bounded-degree mesh. */
  mesh?: boolean;
  /** Seal older history out of the document (RoomSessionOptions.seal). */
  seal?: { above: number; size?: number; settleMs?: number };
}

const bytes = (base64: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

async function identityFor(key: OpenOptions['key']): Promise<Identity> {
  const store = new MemoryKeyStore();
  if (key) {
    const privateKey = await crypto.subtle.importKey('pkcs8', bytes(key.pkcs8), 'Ed25519', false, [
      'sign',
    ]);
    const publicKey = await crypto.subtle.importKey('raw', bytes(key.publicRaw), 'Ed25519', true, [
      'verify',
    ]);
    await store.save({ keyPair: { privateKey, publicKey }, createdAt: Date.now() });
  }
  return Identity.loadOrCreate(store);
}

const harness = {
  async open(options: OpenOptions): Promise<string> {
    const identity = await identityFor(options.key);
    state.signer = identity;
    const storage = options.storage ? await ChatStorage.open() : undefined;
    state.storage = storage;
    const session = await RoomSession.open({
      ...(storage ? { storage } : {}),
      roomId: options.roomId,
      signer: identity,
      verifier: new Verifier(),
      network: await loadNetworkConfig(),
      displayName: options.name,
      ...(options.password ? { password: options.password } : {}),
      ...(options.presenceTimeoutMs ? { presenceTimeoutMs: options.presenceTimeoutMs } : {}),
      ...(options.antiEntropyMs ? { antiEntropyMs: options.antiEntropyMs } : {}),
      ...(options.mesh === false ? { mesh: false } : {}),
      ...(options.seal ? { seal: options.seal } : {}),
    });
    state.session = session;
    void pump(session.stream);
    session.network.onStatus((status) => {
      if (status.peers > 0 && state.firstPeerAt === undefined) state.firstPeerAt = wallClock();
    });
    return identity.userId;
  },
  ...traffic,
  events(): ChatEvent[] {
    return events;
  },
  messages(): string[] {
    return (state.session?.log.entries() ?? []).map((e) => e.message);
  },
  messageCount(): number {
    return state.session?.log.entries().length ?? 0;
  },
  /** Own messages no peer holds yet. */
  pending(): string[] {
    return state.session?.delivery.pending() ?? [];
  },
  /** Bytes received over this room's data channels. */
  bytesReceived(): number {
    return state.session?.network.bytesReceived() ?? 0;
  },
  /** Own messages reported saved (durable in IndexedDB). */
  saved(): string[] {
    return state.session?.saves?.savedIds() ?? [];
  },
  ...stored,
  rejected(): Record<string, number> {
    return state.session?.log.rejected() ?? {};
  },
  status(): unknown {
    return state.session?.network.status();
  },
  resync(): number {
    return state.session?.network.resync() ?? 0;
  },
  /** Stops and restarts replication (like losing and regaining the network). */
  disconnect(): void {
    state.session?.network.provider?.disconnect();
  },
  reconnect(): void {
    state.session?.network.provider?.connect();
  },
  ...hostileMember,
  /** The mesh's view: neighbours, links found dead, bytes by kind. */
  mesh(): unknown {
    const node = state.session?.network.mesh?.node;
    return node
      ? {
          neighbours: node.neighbours(),
          live: node.liveNeighbours(),
          dead: node.liveness.dead,
          malformed: node.malformed,
          traffic: { ...node.traffic },
        }
      : undefined;
  },
  close(): void {
    void state.session?.destroy();
  },
  /** Closes the room and waits until its state is written to IndexedDB. */
  async shutdown(): Promise<void> {
    const persistence = state.session?.persistence;
    void state.session?.destroy();
    await persistence?.destroy();
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
