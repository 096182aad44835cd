import type { WebrtcProvider } from 'y-webrtc';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { workerTicker } from '../presence/Ticker';
import { SIDE_PRESENCE, takeAwareness, type SignalIntake } from './awarenessIntake';
import { ReachabilityWatch } from './Reachability';
import type { ChunkedDataChannel } from './ChunkedDataChannel';
import { FileChannels, SIDE_FILES } from './FileChannels';
import { PasswordMismatch } from './PasswordMismatch';
import { carryPresenceSignals } from './presenceLanes';
import type { WebrtcMesh } from './WebrtcMesh';
import { reconnectDelay } from './reconnectDelay';
import type { NetworkStatus, RoomNetworkOptions } from './roomNetworkOptions';
import { echoCheck } from './echo';
import { filterSyncMessage } from './syncIntake';
import { meshRoom, type WebrtcConnClass } from './meshRoom';
import { guardRoomSignaling, publishToRoom } from './roomPublish';
import { jitterSignalingReconnects } from './signalingReconnect';
import { providerRoom, signalingConnected } from './yInternals';
import { loadWebrtcStack, withCurrentIceServers, type WebrtcStack } from './webrtcStackLoad';

const noop = (): void => undefined;

/** First byte of a side message on a data channel: a preview, a mesh frame, or a file message. */
const SIDE_PREVIEW = 0;
const SIDE_MESH = 1;

/** Prefix of signaling topics, so rooms of other y-webrtc apps on a shared server never mix. */
export const TOPIC_PREFIX = 'meshchat/';

/**
 * One room's replication over WebRTC: a y-webrtc provider whose peer connections chunk large
 * messages, plus periodic state-vector exchange so lost updates are repaired.
 */
export class RoomNetwork {
  /** The y-webrtc provider; undefined until the network has started (see startAfter). */
  provider: WebrtcProvider | undefined;
  private readonly doc: Y.Doc;
  private readonly stopTicker: () => void;
  private readonly listeners = new Set<(status: NetworkStatus) => void>();
  private last: NetworkStatus = {
    signaling: false,
    peers: 0,
    localTabs: 0,
    unreachable: false,
    passwordMismatch: false,
    documentFull: false,
  };
  private readonly reach = new ReachabilityWatch();
  private readonly mismatch: PasswordMismatch;
  private readonly now: () => number;
  private readonly documentFull: () => boolean;
  private stopGuard: () => void = noop;
  private stopTabSignals: () => void = noop;
  private signals: SignalIntake | undefined;
  /** Data channels open now: one per connected peer. */
  private readonly openChannels = new Set<ChunkedDataChannel>();
  private receivedFromClosed = 0;
  private destroyed = false;
  /** The loaded WebRTC code; set together with `provider`. */
  private stack: WebrtcStack | undefined;
  /** The mesh over the provider's room, once the room exists (unless turned off). */
  mesh: WebrtcMesh | undefined;
  /** The open channels as the file transfer uses them (src/files). */
  readonly files = new FileChannels(() => this.openChannels);

  constructor(roomId: string, doc: Y.Doc, awareness: Awareness, options: RoomNetworkOptions) {
    this.doc = doc;
    this.mismatch = new PasswordMismatch(options.passwordMismatch);
    this.now = options.now ?? Date.now;
    this.documentFull = options.documentFull ?? (() => false);
    // The code loads while the stored state does, so neither waits for the other.
    const stack = loadWebrtcStack();
    const ready = options.startAfter?.then(noop, noop);
    Promise.all([stack, ready]).then(
      ([loaded]) => {
        if (!this.destroyed) this.start(loaded, roomId, awareness, options);
      },
      (error: unknown) => {
        // Offline with no cached copy of the chunk: the room works locally, never connects.
        console.error('MeshChat could not load its network code', error);
      },
    );
    const ticker = options.ticker ?? workerTicker;
    const antiEntropyMs = options.antiEntropyMs ?? 15_000;
    let lastRound = Date.now();
    this.stopTicker = ticker(
      () => {
        this.mesh?.tick();
        if (this.mismatch.tick(this.now(), this.status().peers)) this.announce();
        this.update();
        // The mesh runs its own anti-entropy, with one random neighbour at a time.
        if (!this.mesh && Date.now() - lastRound >= antiEntropyMs) {
          lastRound = Date.now();
          this.resync();
        }
      },
      Math.min(1000, antiEntropyMs),
    );
  }

  private start(
    stack: WebrtcStack,
    roomId: string,
    awareness: Awareness,
    options: RoomNetworkOptions,
  ): void {
    const { WebrtcProvider, chunkingPeerConnection, limitTabBroadcasts } = stack;
    const Base = withCurrentIceServers(options.peerConnection ?? RTCPeerConnection, options.config);
    const provider = new WebrtcProvider(TOPIC_PREFIX + roomId, this.doc, {
      signaling: [...options.config.signalingUrls],
      awareness,
      ...(options.password ? { password: options.password } : {}),
      peerOpts: {
        config: { iceServers: [...options.config.iceServers] },
        wrtc: {
          // Count open channels ourselves: y-webrtc marks a peer connected only later.
          RTCPeerConnection: chunkingPeerConnection(Base, (channel, open) => {
            if (open) {
              const intake = options.awarenessIntake;
              const filter = options.updateFilter;
              channel.oninbound = (data) => {
                if (intake && takeAwareness(data, channel, intake)) return true;
                const passed = filter ? filterSyncMessage(data, filter) : data;
                if (passed === data) return false;
                if (passed) channel.onmessage?.({ data: passed.buffer });
                return true;
              };
              // y-webrtc would send each update back to the peer it came from.
              channel.echoOf = echoCheck;
              this.openChannels.add(channel);
              this.sendPreview(channel, options.preview);
            } else if (this.openChannels.delete(channel)) {
              this.receivedFromClosed += channel.stats.bytesReceived;
            }
            this.mesh?.channelState(channel, open);
            this.update();
          }),
          RTCSessionDescription: globalThis.RTCSessionDescription,
          RTCIceCandidate: globalThis.RTCIceCandidate,
        },
      },
    });
    // Before its room connects, which sends the whole state to the tab's own channel too.
    limitTabBroadcasts(provider, this.onUnreadable);
    // So that the tabs of a room do not all come back in the same instant after an outage.
    jitterSignalingReconnects(provider, {
      delay: (failures) => reconnectDelay(failures, Math.random),
    });
    this.stack = stack;
    this.provider = provider;
    // The room exists once the key has settled; y-webrtc connects it in that same step.
    void provider.key.then(() => {
      const room = meshRoom(provider);
      if (room && !this.destroyed) {
        this.stopGuard = guardRoomSignaling(provider, room, this.onUnreadable);
      }
    });
    if (options.mesh !== false) {
      void provider.key.then(() => {
        const room = meshRoom(provider);
        if (!room || this.destroyed) return;
        this.mesh = new stack.WebrtcMesh(
          provider,
          room,
          this.doc,
          stack.WebrtcConn as unknown as WebrtcConnClass,
          {
            dissemination: {
              antiEntropyMs: options.antiEntropyMs ?? 10_000,
              ...(options.updateFilter ? { filter: options.updateFilter } : {}),
            },
          },
        );
      });
    }
    provider.on('peers', () => this.update());
    const signals = options.presenceSignals;
    if (signals) {
      this.signals = signals;
      this.stopTabSignals = carryPresenceSignals(
        TOPIC_PREFIX + roomId,
        signals,
        this.openChannels,
        () => this.destroyed,
      );
    }
  }

  private sendPreview(channel: ChunkedDataChannel, preview: RoomNetworkOptions['preview']): void {
    // Side messages start with a tag: a preview, or a mesh frame.
    channel.onside = (data) => {
      if (data[0] === SIDE_MESH) this.mesh?.receive(channel, data.subarray(1));
      else if (data[0] === SIDE_PRESENCE) this.signals?.receiveSignals(data.subarray(1), channel);
      else if (data[0] === SIDE_PREVIEW) preview?.receive(data.subarray(1));
      else if (data[0] === SIDE_FILES) this.files.receive(channel, data.subarray(1));
    };
    const data = preview?.make();
    if (!data) return;
    try {
      const tagged = new Uint8Array(data.byteLength + 1);
      tagged[0] = SIDE_PREVIEW;
      tagged.set(data, 1);
      channel.sendSide(tagged);
    } catch {
      // The channel closed already; the full sync covers everything anyway.
    }
  }

  /** Exchanges state vectors with every connected peer now; returns how many were asked. */
  resync(): number {
    const room = providerRoom(this.provider);
    return room && this.stack ? this.stack.sendStateVector(this.doc, room.webrtcConns.values()) : 0;
  }

  status(): NetworkStatus {
    const room = providerRoom(this.provider);
    // y-webrtc keeps a connection for every peer signaling announced, open or still trying.
    const known = room ? room.webrtcConns.size : 0;
    // With the mesh, only links that answer count: an open channel can carry nothing.
    const peers = this.mesh ? this.mesh.node.liveNeighbours() : this.openChannels.size;
    const signaling = signalingConnected(this.provider);
    return {
      signaling,
      peers,
      localTabs: room ? room.bcConns.size : 0,
      unreachable: this.reach.observe(this.now(), known, this.openChannels.size, signaling),
      passwordMismatch: this.mismatch.suspected(this.now(), peers),
      documentFull: this.documentFull(),
    };
  }

  /** Messages on the room's topic (or its tabs' channel) that this room's key cannot open. */
  get unreadableMessages(): number {
    return this.mismatch.unreadable;
  }

  private readonly onUnreadable = (): void => {
    if (this.destroyed) return;
    if (this.mismatch.received(this.now(), this.status().peers)) this.announce();
    this.update();
  };

  /**
   * Announces this tab on the room's topic, as y-webrtc does when it connects: someone with
   * another password then hears that this room is in use with a password unlike theirs.
   */
  private announce(): void {
    const provider = this.provider;
    const room = meshRoom(provider);
    if (!provider || !room) return;
    publishToRoom(provider, room, { type: 'announce', from: room.peerId }).catch((error: unknown) =>
      console.error('MeshChat could not announce this tab', error),
    );
  }

  /** Bytes received over every data channel this room has had (for the benchmarks). */
  bytesReceived(): number {
    return (
      this.receivedFromClosed +
      [...this.openChannels].reduce((sum, c) => sum + c.stats.bytesReceived, 0)
    );
  }

  /** Calls `listener` whenever the status changes; returns an unsubscribe function. */
  onStatus(listener: (status: NetworkStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopTicker();
    this.stopGuard();
    this.stopTabSignals();
    this.listeners.clear();
    this.mesh?.destroy();
    this.provider?.destroy();
  }

  private update(): void {
    const next = this.status();
    const prev = this.last;
    if (
      next.signaling === prev.signaling &&
      next.peers === prev.peers &&
      next.localTabs === prev.localTabs &&
      next.unreachable === prev.unreachable &&
      next.passwordMismatch === prev.passwordMismatch &&
      next.documentFull === prev.documentFull
    ) {
      return;
    }
    this.last = next;
    for (const listener of [...this.listeners]) listener(next);
  }
}
