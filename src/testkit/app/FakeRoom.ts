// Rooms for tests of app state and elements: the real log, presence and hub over Yjs, linked
// in memory instead of WebRTC, with a network status the test sets. Not part of the app.
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { Hub } from '../../hub/Hub';
import { Verifier } from '../../identity/Verifier';
import { YjsEventLog } from '../../log/YjsEventLog';
import { DeliveryTracker } from '../../net/DeliveryTracker';
import type { Signer } from '../../log/signing';
import type { NetworkStatus } from '../../net/roomNetworkOptions';
import { AwarenessPresence } from '../../presence/AwarenessPresence';
import { intervalTicker } from '../../presence/Ticker';
import type { OpenRoomOptions, RoomOpener, RoomSource } from '../../app/RoomSource';
import type { ListenerHandle } from '../../hub/Hub';
import type { EventStore } from '../../storage/EventStore';
import { PersistentListener } from '../../storage/PersistentListener';

/** Where a FakeRoom stores the events it receives, as a real room does. */
export interface FakeRoomStorage {
  readonly events: EventStore;
  /** How long the first event after a quiet spell waits before it is written. */
  readonly maxDelayMs?: number;
}

const REMOTE = Symbol('remote');

/** A RoomSource made of real parts; its network is a settable status. */
export class FakeRoom implements RoomSource {
  readonly roomId: string;
  readonly userId: string;
  readonly password: string | undefined;
  readonly sessionId = crypto.randomUUID();
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly log: YjsEventLog;
  readonly presence: AwarenessPresence;
  readonly hub: Hub;
  readonly delivery: DeliveryTracker;
  readonly stream;
  readonly network;
  destroyed = false;
  private status: NetworkStatus = { signaling: true, peers: 0, localTabs: 0, unreachable: false };
  private readonly statusListeners = new Set<(status: NetworkStatus) => void>();

  private readonly storing: { listener: PersistentListener; handle: ListenerHandle } | undefined;

  constructor(options: OpenRoomOptions & { signer: Signer; storage?: FakeRoomStorage }) {
    this.roomId = options.roomId;
    this.userId = options.signer.userId;
    this.password = options.password;
    const verifier = new Verifier();
    this.log = new YjsEventLog({
      doc: this.doc,
      roomId: options.roomId,
      signer: options.signer,
      verifier,
    });
    this.presence = new AwarenessPresence(this.awareness, {
      ticker: intervalTicker,
      context: options.roomId,
      signer: options.signer,
      verifier,
    });
    this.presence.setField('name', options.displayName);
    this.delivery = new DeliveryTracker({
      entries: this.log.pages,
      awareness: this.awareness,
      publish: (field, value) => this.presence.setField(field, value),
    });
    this.hub = new Hub({ chatroomId: options.roomId, log: this.log, presence: this.presence });
    if (options.storage) {
      const listener = new PersistentListener(options.storage.events, {
        ...(options.storage.maxDelayMs === undefined
          ? {}
          : { maxDelayMs: options.storage.maxDelayMs }),
        flushOnPageHide: false,
      });
      this.storing = { listener, handle: this.hub.attachListener(listener) };
    }
    this.stream = this.hub.add(this.userId, this.sessionId);
    this.network = {
      status: (): NetworkStatus => this.status,
      onStatus: (listener: (status: NetworkStatus) => void): (() => void) => {
        this.statusListeners.add(listener);
        return () => this.statusListeners.delete(listener);
      },
    };
  }

  /** Changes the reported network status. */
  setStatus(status: Partial<NetworkStatus>): void {
    this.status = { ...this.status, ...status };
    for (const listener of [...this.statusListeners]) listener(this.status);
  }

  async saved(): Promise<void> {
    if (!this.storing) return;
    await this.storing.handle.handed();
    await this.storing.listener.flush();
  }

  send(text: string): string | undefined {
    const id = this.hub.message(this.userId, text);
    if (id) this.delivery.track(id);
    return id;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (!this.hub.closed) this.hub.close();
    this.delivery.destroy();
    this.presence.destroy();
    this.log.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/**
 * Links FakeRooms of the same room id (and password) like a network: document updates and
 * awareness updates are forwarded to every other member, after a microtask.
 */
export class RoomMesh {
  readonly rooms: FakeRoom[] = [];

  /** A RoomOpener for `signer`, whose rooms join this mesh (and store into `storage`). */
  opener(signer: Signer, storage?: FakeRoomStorage): RoomOpener {
    return (options) => this.open({ ...options, signer, ...(storage ? { storage } : {}) });
  }

  open(options: OpenRoomOptions & { signer: Signer; storage?: FakeRoomStorage }): FakeRoom {
    const room = new FakeRoom(options);
    const peers = (): FakeRoom[] =>
      this.rooms.filter(
        (r) =>
          r !== room && !r.destroyed && r.roomId === room.roomId && r.password === room.password,
      );
    // Catch up with the members already there, both ways.
    for (const peer of peers()) {
      Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(peer.doc), REMOTE);
      Y.applyUpdate(peer.doc, Y.encodeStateAsUpdate(room.doc), REMOTE);
      const theirs = [...peer.awareness.getStates().keys()];
      applyAwarenessUpdate(room.awareness, encodeAwarenessUpdate(peer.awareness, theirs), REMOTE);
      applyAwarenessUpdate(
        peer.awareness,
        encodeAwarenessUpdate(room.awareness, [room.awareness.clientID]),
        REMOTE,
      );
    }
    room.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      queueMicrotask(() => {
        for (const peer of peers()) Y.applyUpdate(peer.doc, update, REMOTE);
      });
    });
    room.awareness.on(
      'update',
      ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
        if (origin === REMOTE) return;
        const changed = [...(added ?? []), ...(updated ?? []), ...(removed ?? [])];
        const update = encodeAwarenessUpdate(room.awareness, changed);
        queueMicrotask(() => {
          for (const peer of peers()) applyAwarenessUpdate(peer.awareness, update, REMOTE);
        });
      },
    );
    this.rooms.push(room);
    return room;
  }

  /** The rooms of one user. */
  of(userId: string): FakeRoom[] {
    return this.rooms.filter((r) => r.userId === userId && !r.destroyed);
  }

  destroy(): void {
    for (const room of this.rooms.splice(0)) room.destroy();
  }
}
