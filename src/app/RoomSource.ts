// The part of a room that app state reads, as plain interfaces: compose/RoomSession implements
// it over the real parts (Yjs log, awareness, y-webrtc), and tests build one from the same
// parts over an in-memory link (src/testkit/app/FakeRoom.ts). The app sees no adapter class.
import type { EventStream } from '../hub/EventStream';
import type { Member } from '../hub/HubOptions';
import type { LogBatchInfo, LogEntry, PresenceChange } from '../hub/ports';
import type { FileShelf } from './FileShelf';

/** A verified message of the room's log, with its place in the converged order. */
export interface RoomEntry extends LogEntry {
  /** The log's order key (a hybrid logical clock close to ms wall time). */
  readonly clock: number;
  /** An entry kind (edit, delete: src/log/entryKinds.ts); absent for a chat message. */
  readonly kind?: string;
}

/** The room's converged message log. */
export interface RoomLog {
  /** Every entry shown, in the converged order. */
  entries(): readonly RoomEntry[];
  /** The newest `count` entries before position `end` (default: the end). */
  page(count: number, end?: number): readonly RoomEntry[];
  get(id: string): RoomEntry | undefined;
  observe(observer: (entries: readonly LogEntry[], info: LogBatchInfo) => void): () => void;
  /** The verified kind entries (edits, deletions), in converged order: no messages. */
  kinds(): readonly RoomEntry[];
  /** Reports kind entries as they are verified; returns an unsubscribe function. */
  observeKinds(observer: (entries: readonly RoomEntry[]) => void): () => void;
  /**
   * Writes a kind entry (`message` holds its fields) as `userId`; returns its id, or
   * undefined while the room cannot write yet.
   */
  append(userId: string, message: string, kind: string): string | undefined;
}

/** Presence as the view reads it: trusted states by awareness client id, and changes. */
export interface RoomPresence {
  states(): Map<number, Record<string, unknown>>;
  /** Publishes a field of this tab's own state (typing, DM keys). */
  setField(field: string, value: unknown): void;
  observe(observer: (change: PresenceChange) => void): () => void;
  /** Told whenever states() changed (names, typing, newly trusted cards). */
  onStates(listener: () => void): () => void;
}

/** What the UI shows about the connection. */
export interface NetworkStatus {
  /** Whether at least one signaling server is connected. */
  readonly signaling: boolean;
  /** Peers connected over WebRTC. */
  readonly peers: number;
  /** Tabs of this browser reached over BroadcastChannel. */
  readonly localTabs: number;
  /**
   * Other people are in the room (the signaling server announced them and connections to
   * them were tried) but not one could be reached for about 20 s: their network and this
   * one cannot meet directly, and the deployment offers no TURN relay that would carry it.
   */
  readonly unreachable: boolean;
  /**
   * Someone is in the room with another password (a different link): their messages reach
   * this tab but cannot be opened, and no peer is connected. Absent means no.
   */
  readonly passwordMismatch?: boolean;
  /**
   * The room's history on this device reached the size a room may grow to: what others write
   * is no longer received this session; what it holds stays, and this user can still write.
   * Absent means no.
   */
  readonly documentFull?: boolean;
}

/** The room's connection to its peers. */
export interface RoomConnection {
  status(): NetworkStatus;
  onStatus(listener: (status: NetworkStatus) => void): () => void;
}

/** Which of this tab's messages some peer holds. */
export interface RoomDelivery {
  isDelivered(id: string): boolean;
  onDelivered(listener: (delivered: readonly string[]) => void): () => void;
}

/** One open room of this tab, as the app uses it. */
export interface RoomSource {
  readonly roomId: string;
  readonly userId: string;
  readonly stream: Pick<EventStream, 'nextBatch'>;
  readonly log: RoomLog;
  readonly presence: RoomPresence;
  /** This tab's awareness client id: which of presence's states is our own. */
  readonly awareness: { readonly clientID: number };
  readonly network: RoomConnection;
  readonly hub: { participants(): Member[] };
  readonly delivery: RoomDelivery;
  /** Settles once the room's stored state is loaded (a fake may leave it out: loaded). */
  readonly loaded?: Promise<unknown>;
  /**
   * While the room's code is still loading (the first moments after its newest stored page is
   * shown), a promise that settles once send() works; undefined when it works now.
   */
  starting?(): Promise<unknown> | undefined;
  send(text: string): string | undefined;
  /** The room's shared files (kept here, fetched from peers); absent while none can be. */
  readonly files?: FileShelf | undefined;
  /**
   * Withdraws the text of deleted messages from this device's stored history (a room without
   * storage leaves it out).
   */
  redact?(ids: readonly string[]): Promise<void>;
  /**
   * Calls `listener` with messages of older (sealed) history fetched from peers and stored on
   * this device rather than held in the log; the room shows them from storage. Returns
   * unsubscribe (a room without storage leaves it out).
   */
  onStoredHistory?(listener: (messages: readonly LogEntry[]) => void): () => void;
  /**
   * Settles once every entry that has arrived so far is in this device's stored history (a
   * room without storage leaves it out).
   */
  saved?(): Promise<void>;
  /** Writes authors' edits (`[id, text]`) over the stored text of their messages. */
  revise?(edits: readonly (readonly [string, string])[]): Promise<void>;
  /** Closes the room; what it returns settles once its pending writes are stored. */
  destroy(): void | Promise<void>;
}

/** What the app passes to open a room. */
export interface OpenRoomOptions {
  readonly roomId: string;
  readonly password?: string;
  readonly displayName: string;
  /** When the room may load its stored state (after its newest stored page is on screen). */
  readonly loadAfter?: Promise<unknown>;
}

/** Makes the RoomSource of a room (the real one builds a RoomSession). */
export type RoomOpener = (options: OpenRoomOptions) => RoomSource;
