import type { NetworkStatus, RoomSource } from '../app/RoomSource';
import type { LogEntry } from '../hub/ports';
import type { RoomSession } from './RoomSession';
import type { RoomSessionOptions } from './RoomSessionOptions';

type SessionModule = typeof import('./RoomSession');
let sessionCode: Promise<SessionModule> | undefined;
/** The room code once loaded: a room opened after that starts its session at once. */
let loadedCode: SessionModule | undefined;

/**
 * Loads the room code (Yjs, the signed log, awareness, the network's first half: a chunk of
 * its own) once per page. A failed load is forgotten, so the next room tries again.
 */
export function loadRoomCode(): Promise<SessionModule> {
  sessionCode ??= import('./RoomSession').then(
    (code) => (loadedCode = code),
    (error: unknown) => {
      sessionCode = undefined;
      throw error;
    },
  );
  return sessionCode;
}

/** Where a DeferredRoom gets the room code (the page's one loader, or a test's own). */
export interface RoomCode {
  /** The code if it is loaded already. */
  loaded(): SessionModule | undefined;
  load(): Promise<SessionModule>;
}

const pageRoomCode: RoomCode = { loaded: () => loadedCode, load: loadRoomCode };

const OFFLINE: NetworkStatus = { signaling: false, peers: 0, localTabs: 0, unreachable: false };

/**
 * A room whose RoomSession (and with it Yjs) loads only once the room may load its stored
 * state (`loadAfter`: its newest stored page is on screen), so the first page carries neither
 * Yjs nor WebRTC. Until then it is an empty, offline room: reads answer from nothing,
 * subscriptions are kept and attached to the session when it exists, and a send is refused
 * (the view keeps the text). Everything after that is the session's. Once the code is loaded
 * in this page, a room starts its session at once (which still waits for `loadAfter` to
 * apply its stored state).
 */
export class DeferredRoom implements RoomSource {
  readonly roomId: string;
  readonly userId: string;
  readonly loaded: Promise<unknown>;
  private session: RoomSession | undefined;
  private readonly ready: Promise<RoomSession>;
  private destroyed = false;
  private gone: Promise<void> = Promise.resolve();
  /** Presence fields set before the session existed, applied to it in order. */
  private readonly fields = new Map<string, unknown>();

  constructor(options: RoomSessionOptions, code: RoomCode = pageRoomCode) {
    this.roomId = options.roomId;
    this.userId = options.signer.userId;
    const start = ({ RoomSession: Session }: SessionModule): RoomSession => {
      if (this.destroyed) throw new Error('room closed before its code loaded');
      // The session itself applies the stored state only after `loadAfter`.
      const session = new Session(options);
      for (const [field, value] of this.fields) session.presence.setField(field, value);
      this.fields.clear();
      this.session = session;
      return session;
    };
    // Code loaded already (an earlier room, or preloaded off a room page): start at once, so
    // a message sent right away is not refused. Otherwise load it once the room may load.
    const loaded = code.loaded();
    this.ready = loaded
      ? Promise.resolve(start(loaded))
      : Promise.resolve(options.loadAfter)
          .then(() => code.load())
          .then(start);
    this.ready.catch((error: unknown) => {
      if (!this.destroyed) console.error('MeshChat could not load the room code', error);
    });
    this.loaded = this.ready.then((session) => session.loaded);
  }

  readonly stream: RoomSource['stream'] = {
    nextBatch: async () => {
      const session = await this.ready.catch(() => undefined);
      return session?.stream.nextBatch();
    },
  };

  /** The session's awareness client id; -1 (no client) until the session exists. */
  readonly awareness: RoomSource['awareness'] = ((room: DeferredRoom) => ({
    get clientID(): number {
      return room.session?.awareness.clientID ?? -1;
    },
  }))(this);

  readonly log: RoomSource['log'] = {
    entries: () => this.session?.log.entries() ?? [],
    page: (count, end) => this.session?.log.page(count, end) ?? [],
    get: (id) => this.session?.log.get(id),
    observe: (observer) => this.attach((s) => s.log.observe(observer)),
    kinds: () => this.session?.log.kinds() ?? [],
    observeKinds: (observer) => this.attach((s) => s.log.observeKinds(observer)),
    append: (userId, message, kind) => this.session?.log.append(userId, message, kind),
  };

  readonly presence: RoomSource['presence'] = {
    states: () => this.session?.presence.states() ?? new Map(),
    setField: (field, value) => {
      if (this.session) this.session.presence.setField(field, value);
      else this.fields.set(field, value);
    },
    observe: (observer) => this.attach((s) => s.presence.observe(observer)),
    onStates: (listener) => this.attach((s) => s.presence.onStates(listener)),
  };

  readonly network: RoomSource['network'] = {
    status: () => this.session?.network.status() ?? OFFLINE,
    onStatus: (listener) => this.attach((s) => s.network.onStatus(listener)),
  };

  readonly hub: RoomSource['hub'] = {
    participants: () => this.session?.hub.participants() ?? [],
  };

  readonly delivery: RoomSource['delivery'] = {
    isDelivered: (id) => this.session?.delivery.isDelivered(id) ?? false,
    onDelivered: (listener) => this.attach((s) => s.delivery.onDelivered(listener)),
  };

  starting(): Promise<unknown> | undefined {
    return this.session || this.destroyed ? undefined : this.ready;
  }

  send(text: string): string | undefined {
    return this.session?.send(text);
  }

  /** The room's files, once its code has loaded. */
  get files(): RoomSource['files'] {
    return this.session?.files;
  }

  async redact(ids: readonly string[]): Promise<void> {
    await this.session?.redact(ids);
  }

  onStoredHistory(listener: (messages: readonly LogEntry[]) => void): () => void {
    return this.attach((s) => s.onStoredHistory(listener));
  }

  async saved(): Promise<void> {
    await this.session?.saved();
  }

  async revise(edits: readonly (readonly [string, string])[]): Promise<void> {
    await this.session?.revise(edits);
  }

  destroy(): Promise<void> {
    if (this.destroyed) return this.gone;
    this.destroyed = true;
    this.gone = this.session ? this.session.destroy() : Promise.resolve();
    return this.gone;
  }

  /** Subscribes on the session now, or once it exists; the returned function undoes either. */
  private attach(subscribe: (session: RoomSession) => () => void): () => void {
    if (this.session) return subscribe(this.session);
    let detach: (() => void) | undefined;
    let cancelled = false;
    this.ready.then(
      (session) => {
        if (!cancelled) detach = subscribe(session);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      detach?.();
    };
  }
}
