import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { EventStream } from '../hub/EventStream';
import { Hub, type ListenerHandle } from '../hub/Hub';
import type { SignedEntry } from '../log/schema';
import type { LogEntry } from '../hub/ports';
import { YjsEventLog } from '../log/YjsEventLog';
import { makePreview, readPreview } from '../log/Preview';
import { ROOTS } from '../log/schema';
import { EpochSeals } from '../log/Seals';
import { segmentPacking } from '../net/deflate';
import { MemorySegmentStore, type SegmentStore } from '../storage/SegmentStore';
import { sharedSegmentStore } from '../storage/IdbSegmentStore';
import { DeliveryTracker } from '../net/DeliveryTracker';
import { RoomNetwork } from '../net/RoomNetwork';
import { remoteUpdateFilter } from '../net/rootFilter';
import { DocumentCeiling } from '../net/DocumentCeiling';
import { AwarenessPresence } from '../presence/AwarenessPresence';
import type { RoomSource } from '../app/RoomSource';
import { SaveTracker } from './SaveTracker';
import { SealSchedule } from './SealSchedule';
import { WorkerSegmentOpener } from './WorkerSegmentOpener';
import { sealLimits, type RoomSessionOptions } from './RoomSessionOptions';
import type { ChatStorage } from '../storage/ChatStorage';
import type { YjsPersistence } from '../storage/YjsPersistence';
import { roomPersistence } from '../storage/roomPersistence';
import { PersistentListener } from '../storage/PersistentListener';
import { RoomFiles, sharedFileStore } from '../files/RoomFiles';

/**
 * Everything one tab runs for one room, wired together: the Yjs document, the signed log,
 * awareness presence, the WebRTC network, and the hub with this tab's session in it.
 * This is the composition root: the only place that picks concrete adapters.
 */
export class RoomSession implements RoomSource {
  readonly roomId: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly log: YjsEventLog;
  /** Stops peers' updates once the document is as large as a room may grow. */
  readonly ceiling: DocumentCeiling;
  readonly presence: AwarenessPresence;
  readonly network: RoomNetwork;
  /** Which of this tab's messages some peer holds. */
  readonly delivery: DeliveryTracker;
  /** The room's shared files: kept in IndexedDB, exchanged over the data channels. */
  readonly files: RoomFiles;
  /** Older history sealed out of the document into segments, and where they are kept. */
  readonly seals: EpochSeals;
  readonly segments: SegmentStore;
  private readonly sealing: SealSchedule;
  /** Opens the segments fetched from peers. */
  private readonly opener: WorkerSegmentOpener;
  readonly hub: Hub;
  /** This tab's own session stream. */
  readonly stream: EventStream;
  /** The room's CRDT state in IndexedDB, when there is storage. */
  readonly persistence: YjsPersistence | undefined;
  /** Writes every event to IndexedDB and tells when own messages are saved (with storage). */
  readonly saves: SaveTracker | undefined;
  private readonly history: PersistentListener | undefined;
  private readonly historyListeners = new Set<(messages: readonly LogEntry[]) => void>();
  /** The stored history's place among the hub's listeners. */
  private readonly storing: ListenerHandle | undefined;
  private readonly storage: ChatStorage | undefined;
  /** Settles once the stored state is in the doc (at once without storage). */
  readonly loaded: Promise<unknown>;
  private destroyed = false;
  /** Which peer a sealed segment is asked of first (FileTransfer.fetch `turn`). */
  private fetchTurn = 0;
  private gone: Promise<void> = Promise.resolve();
  private readonly onPageHide = (): void => this.presence.goodbye();
  private readonly onPageShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.presence.back();
  };

  /** Opens a room and resolves once its stored state is loaded and verified. */
  static async open(options: RoomSessionOptions): Promise<RoomSession> {
    const session = new RoomSession(options);
    await session.persistence?.whenSynced;
    await session.log.whenProcessed();
    return session;
  }

  /**
   * Starts a room at once. With storage, its stored CRDT state loads in the background: the
   * log reports those entries as stored (the hub does not replay them as events; the UI shows
   * them), and the network connects only once they are loaded, so peers send just the
   * difference.
   */
  constructor(options: RoomSessionOptions) {
    this.roomId = options.roomId;
    this.storage = options.storage;
    this.userId = options.signer.userId;
    this.sessionId = crypto.randomUUID();
    this.doc = new Y.Doc();
    // Before the stored state loads, so that it counts too.
    this.ceiling = new DocumentCeiling(this.doc, options.documentCeiling);
    this.persistence =
      options.storage &&
      roomPersistence(
        options.storage,
        options.roomId,
        this.doc,
        options.loadAfter ? { applyAfter: options.loadAfter } : {},
      );
    this.loaded = this.persistence?.whenSynced ?? Promise.resolve();
    this.awareness = new Awareness(this.doc);
    this.log = new YjsEventLog({
      doc: this.doc,
      roomId: options.roomId,
      signer: options.signer,
      verifier: options.verifier,
      ...(options.onReject ? { onReject: options.onReject } : {}),
      ...(this.persistence ? { storedOrigin: this.persistence } : {}),
    });
    this.presence = new AwarenessPresence(this.awareness, {
      context: options.roomId,
      signer: options.signer,
      verifier: options.verifier,
      ...(options.presenceTimeoutMs ? { timeoutMs: options.presenceTimeoutMs } : {}),
    });
    this.presence.setField('name', options.displayName);
    this.network = new RoomNetwork(options.roomId, this.doc, this.awareness, {
      config: options.network,
      ...(options.password ? { password: options.password } : {}),
      ...(options.antiEntropyMs ? { antiEntropyMs: options.antiEntropyMs } : {}),
      ...(options.mesh === false ? { mesh: false } : {}),
      ...(this.persistence ? { startAfter: this.persistence.whenSynced } : {}),
      // Peers' writes under other roots than the log's are not kept (docs/LOG_SCHEMA.md), and
      // what the document holds already is not decoded again.
      updateFilter: this.ceiling.wrap(remoteUpdateFilter(this.doc, ROOTS)),
      documentFull: () => this.ceiling.full,
      // Peers' awareness updates reach the awareness only through the presence gate.
      ...(this.presence.gate ? { awarenessIntake: this.presence.gate } : {}),
      ...(this.presence.gate ? { presenceSignals: this.presence } : {}),
      preview: {
        make: () => makePreview(this.log, this.doc),
        receive: (data) =>
          readPreview(
            this.log,
            data,
            (seals) => void this.seals.hint(seals).catch(() => undefined),
          ),
      },
    });
    this.segments = options.storage ? sharedSegmentStore() : new MemorySegmentStore();
    this.opener = new WorkerSegmentOpener(options.verifier);
    this.files = new RoomFiles(options.roomId, sharedFileStore(), this.network.files, {
      held: (hash) => this.seals.packedHeld(hash),
      get: async (hash) =>
        (await this.segments.get(options.roomId, hash)) ?? (await this.seals.packedFor(hash)),
    });
    this.seals = new EpochSeals({
      doc: this.doc,
      source: this.log,
      verifier: options.verifier,
      store: this.segments,
      ...sealLimits(options.seal),
      // Each fetch asks the next peer first: segments fetched side by side come from several.
      fetch: async (hash, size) =>
        new Uint8Array(
          await this.files.transfer.fetch(hash, size, undefined, undefined, this.fetchTurn++),
        ),
      packing: segmentPacking,
      // Checked on a worker: a newcomer's page applies the live document meanwhile.
      opener: this.opener,
      // A tab that stores history reads sealed messages from the segments it keeps.
      ...(options.storage ? { history: { kept: (m) => this.sealedKept(m) } } : {}),
    });
    this.sealing = new SealSchedule(this, options.seal !== undefined, () => this.destroyed);
    this.delivery = new DeliveryTracker({
      entries: this.log.pages,
      awareness: this.awareness,
      publish: (field, value) => this.presence.setField(field, value),
      ...(options.pending ? { pending: options.pending } : {}),
    });
    this.hub = new Hub({
      chatroomId: options.roomId,
      log: this.log,
      presence: this.presence,
      ...(options.historySize ? { historySize: options.historySize } : {}),
    });
    // Stored in the order the room shows them: by the log's clock for messages.
    const history =
      options.storage &&
      new PersistentListener(options.storage.events, {
        orderOf: (event) =>
          (event.type === 'message' ? this.log.get(event.id)?.clock : undefined) ?? event.unixTime,
      });
    this.history = history;
    this.saves = history && new SaveTracker(history, (event) => event.userId === this.userId);
    this.storing = this.saves && this.hub.attachListener(this.saves);
    this.stream = this.hub.add(this.userId, this.sessionId);
    // Leave at once when the page goes away, where the browser lets the message out.
    // Node peers (benchmarks) have no window.
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this.onPageHide);
      window.addEventListener('beforeunload', this.onPageHide);
      window.addEventListener('pageshow', this.onPageShow);
    }
  }

  /**
   * Removes the text of deleted messages from this device's stored history. What the
   * listener has not written yet is written first, so a message that arrived together with
   * its deletion is not stored with its text after the redaction.
   */
  async redact(ids: readonly string[]): Promise<void> {
    if (!this.history || !this.storage) return;
    await this.history.flush();
    await this.storage.events.redact(this.roomId, ids);
    // Sealed messages read from kept segments, which never change: the deletion is recorded.
    await this.segments.amend(
      this.roomId,
      ids.map((id) => [id, undefined]),
    );
  }

  /**
   * Calls `listener` with the messages of older history fetched from peers and stored on
   * this device, not held in the log (the room shows them from storage). Returns unsubscribe.
   */
  onStoredHistory(listener: (messages: readonly LogEntry[]) => void): () => void {
    this.historyListeners.add(listener);
    return () => this.historyListeners.delete(listener);
  }

  /** Tells the room of the checked messages of a sealed segment now kept on this device. */
  private sealedKept(messages: readonly SignedEntry[]): void {
    for (const listener of [...this.historyListeners]) listener(messages);
  }

  /** Settles once every entry that has arrived so far is in this device's stored history. */
  async saved(): Promise<void> {
    if (!this.history || !this.storing) return;
    await this.storing.handed();
    await this.history.flush();
  }

  /** Stores the edited text of edited messages (written after the listener's pending writes). */
  async revise(edits: readonly (readonly [string, string])[]): Promise<void> {
    if (!this.history || !this.storage) return;
    await this.history.flush();
    await this.storage.events.revise(this.roomId, edits);
    await this.segments.amend(this.roomId, edits);
  }

  /** Sends a message as this tab's user; returns its id. */
  send(text: string): string | undefined {
    const id = this.hub.message(this.userId, text);
    if (id) this.delivery.track(id);
    return id;
  }

  /** Display names claimed by present users, by userId. */
  names(): Map<string, string> {
    const names = new Map<string, string>();
    for (const state of this.presence.states().values()) {
      const sessions = state.sessions as [string, string][];
      const name = typeof state.name === 'string' ? state.name.slice(0, 64) : '';
      for (const [userId] of sessions) if (name) names.set(userId, name);
    }
    return names;
  }

  /** Closes the room; resolves once what was pending is stored. Idempotent. */
  destroy(): Promise<void> {
    if (this.destroyed) return this.gone;
    this.destroyed = true;
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', this.onPageHide);
      window.removeEventListener('beforeunload', this.onPageHide);
      window.removeEventListener('pageshow', this.onPageShow);
    }
    if (!this.hub.closed) this.hub.close();
    this.delivery.destroy();
    this.presence.destroy();
    this.sealing.stop();
    this.seals.destroy();
    this.opener.close();
    this.files.destroy();
    this.network.destroy();
    this.ceiling.destroy();
    this.log.destroy();
    this.awareness.destroy();
    // Persistence writes what is pending before it lets go; forgetting the room waits for it.
    this.gone = (this.persistence?.destroy() ?? Promise.resolve()).catch(() => undefined);
    this.doc.destroy();
    return this.gone;
  }
}
