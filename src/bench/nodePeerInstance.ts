// One room peer in Node for the room-scale benchmark: the real RoomSession (signed log,
// presence, chunked channels) over @roamhq/wrtc. Bundled on its own and imported once per peer
// by its host process (src/bench/nodePeer.ts) under a distinct URL, so that every peer has its
// own instance of every module: its own y-webrtc room registry and signaling connections, its
// own Yjs, its own identity. The host sets the browser globals (RTCPeerConnection, WebSocket)
// before it imports this.
import { RoomSession } from '../compose/RoomSession';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';

/** Commands from the parent, to one peer. */
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
  /** Peers connected over WebRTC. */
  peers: number;
  /** Peers reached over a BroadcastChannel (none: Node peers have none). */
  localTabs: number;
  bytesReceived: number;
  /** Wall clock (ms) when the expected count was first reached. */
  completeAt: number | undefined;
  /** Wall clock (ms) when the last send command was carried out. */
  sentAt: number | undefined;
  /** Awareness updates seen (own and peers'). */
  awarenessUpdates: number;
}

/** A running peer: it carries out its parent's commands. */
export interface HostedPeer {
  handle(command: PeerCommand): void;
  /** Leaves the room. */
  destroy(): Promise<void>;
}

export interface PeerOptions {
  readonly signalingUrl: string;
  readonly roomId: string;
  readonly name: string;
  /** Where its reports go. */
  readonly report: (report: PeerReport) => void;
}

const REPORT_EVERY_MS = 500;

const wallClock = (): number => performance.timeOrigin + performance.now();

export async function startPeer(options: PeerOptions): Promise<HostedPeer> {
  const { signalingUrl, roomId, name } = options;
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  let session: RoomSession | undefined;
  let timer: NodeJS.Timeout | undefined;
  let expected = Number.POSITIVE_INFINITY;
  let completeAt: number | undefined;
  let sentAt: number | undefined;
  let awarenessUpdates = 0;

  const report = (): void => {
    if (!session) return;
    const status = session.network.status();
    options.report({
      type: 'report',
      messages: session.log.entries().length,
      peers: status.peers,
      localTabs: status.localTabs,
      bytesReceived: session.network.bytesReceived(),
      completeAt,
      sentAt,
      awarenessUpdates,
    });
  };
  const checkComplete = (): void => {
    if (!session || completeAt !== undefined || session.log.entries().length < expected) return;
    completeAt = wallClock();
    report();
  };
  const join = (): RoomSession => {
    const joined = new RoomSession({
      roomId,
      signer: identity,
      verifier: new Verifier(),
      network: { signalingUrls: [signalingUrl], iceServers: [] },
      displayName: name,
    });
    joined.awareness.on('update', () => (awarenessUpdates += 1));
    joined.log.observe(checkComplete);
    timer = setInterval(report, REPORT_EVERY_MS);
    return joined;
  };

  const destroy = async (): Promise<void> => {
    clearInterval(timer);
    // MESHCHAT_PEER_SENDS=1: what the mesh received, in Yjs clock units (one per entry).
    const node = session?.network.mesh?.node;
    if (process.env.MESHCHAT_PEER_SENDS === '1' && node) {
      const c = node.dissemination.counts;
      console.error(
        `[${name} mesh] new ${c.newUnits}, pushed duplicates ${c.duplicateUnits}, sync duplicates ${c.syncDuplicateUnits}, grafts ${c.grafts}, prunes ${c.prunes}, resyncs ${c.resyncs}, eager ${node.dissemination.eagerCount()} of ${node.neighbours().length}`,
      );
    }
    await session?.destroy();
  };
  return {
    destroy,
    handle(command) {
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
          void destroy();
      }
    },
  };
}
