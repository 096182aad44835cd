import { AlreadyExistsError, ClosedError, NotFoundError } from './errors';
import { makeEvent, type ChatEvent, type EventType } from './events';
import { EventStream } from './EventStream';
import { HistoryRing } from './HistoryRing';
import { HandOver, pumpListener, type HubListener, type ListenerHandle } from './HubListener';
import type { HubOptions, HubStats, Member } from './HubOptions';
import {
  sessionKey,
  type EventLogPort,
  type LogEntry,
  type PresenceChange,
  type PresencePort,
  type SessionKey,
} from './ports';

// Listeners are part of the hub's API: their types stay importable from here.
export type { HubListener, ListenerHandle } from './HubListener';

/**
 * The chat hub of one room in one tab. `message` events come from the replicated log;
 * join/add/remove/leave are derived from presence, one event per transition. Delivery never
 * waits for a consumer: every session and listener has its own bounded queue (EventStream).
 */
export class Hub {
  readonly chatroomId: string;
  private readonly log: EventLogPort;
  private readonly presence: PresencePort;
  private readonly ring: HistoryRing<ChatEvent>;
  private readonly streamCapacity: number;
  private readonly listenerCapacity: number;
  private readonly now: () => number;
  private readonly onListenerError: (error: unknown) => void;
  /** Local sessions, by sessionKey. */
  private readonly local = new Map<string, { session: SessionKey; stream: EventStream }>();
  /** Present sessions by user, as this hub has derived them. */
  private readonly members = new Map<string, Set<string>>();
  /** How often each session has appeared, so a returning session gets fresh event ids. */
  private readonly appearances = new Map<string, number>();
  private readonly listenerStreams = new Set<EventStream>();
  private readonly unsubscribe: (() => void)[] = [];
  private isClosed = false;
  private counters = { delivered: 0, dropped: 0, listenerErrors: 0 };

  constructor(options: HubOptions) {
    this.chatroomId = options.chatroomId;
    this.log = options.log;
    this.presence = options.presence;
    this.ring = new HistoryRing<ChatEvent>(options.historySize ?? 100);
    this.streamCapacity = options.streamCapacity ?? 10_000;
    this.listenerCapacity = options.listenerCapacity ?? 100_000;
    this.now = options.now ?? Date.now;
    this.onListenerError = options.onListenerError ?? (() => undefined);
    // Sessions present before this hub existed are members, but their arrival is not an event.
    for (const session of this.presence.sessions()) this.addMember(session);
    this.unsubscribe.push(
      this.log.observe((entries, info) => {
        // Loaded from this tab's storage: history, not news; it was announced when it arrived.
        if (!info.stored) this.onEntries(entries);
      }),
      this.presence.observe((change) => this.onPresence(change)),
    );
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Registers a local session and returns its stream; it first receives its own join/add. */
  add(userId: string, sessionId: string): EventStream {
    if (this.isClosed) throw new ClosedError('add');
    const session = checkedSession(userId, sessionId);
    const key = sessionKey(session);
    if (this.local.has(key) || this.members.get(userId)?.has(sessionId)) {
      throw new AlreadyExistsError(userId, sessionId);
    }
    const stream = new EventStream(this.streamCapacity);
    this.local.set(key, { session, stream });
    this.presence.enter(session);
    // A presence port reports local changes synchronously; if one did not, derive it here.
    if (!this.members.get(userId)?.has(sessionId))
      this.onPresence({ added: [session], removed: [] });
    return stream;
  }

  /** Ends a local session: its stream ends, then the others see remove (or leave if last). */
  remove(userId: string, sessionId: string): void {
    if (this.isClosed) throw new ClosedError('remove');
    const session = checkedSession(userId, sessionId);
    const key = sessionKey(session);
    const entry = this.local.get(key);
    if (!entry) throw new NotFoundError(userId, sessionId);
    this.local.delete(key);
    entry.stream.end();
    this.presence.exit(session);
    if (this.members.get(userId)?.has(sessionId))
      this.onPresence({ added: [], removed: [session] });
  }

  /**
   * Appends a message to the room's log; its `message` event follows when the log reports it.
   * Returns the entry's id, or undefined on a closed hub (a no-op there, as in the original).
   */
  message(userId: string, text: string): string | undefined {
    if (this.isClosed) return undefined;
    if (typeof userId !== 'string' || userId === '') {
      throw new TypeError('message: userId must be a non-empty string');
    }
    if (typeof text !== 'string') throw new TypeError('message: text must be a string');
    return this.log.append(userId, text);
  }

  /** Ends the chat here: every stream and listener gets one `close` event, then ends. */
  close(): void {
    if (this.isClosed) throw new ClosedError('close');
    this.isClosed = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.emit('close', undefined, undefined, this.chatroomId + ':close:' + crypto.randomUUID());
    for (const { session, stream } of this.local.values()) {
      stream.end();
      this.presence.exit(session);
    }
    this.local.clear();
    for (const stream of this.listenerStreams) stream.end();
    this.listenerStreams.clear();
  }

  /** The last historySize events, oldest first (close included). Works after close. */
  history(): ChatEvent[] {
    return this.ring.toArray();
  }

  /** Who is present now, each user once. */
  participants(): Member[] {
    return [...this.members].map(([userId, ids]) => ({ userId, sessionIds: [...ids] }));
  }

  stats(): HubStats {
    return { ...this.counters };
  }

  /**
   * Attaches a listener that receives every later event, in the order sessions receive them.
   * It runs at its own pace: a slow listener delays only itself (its queue drops the oldest
   * events past listenerCapacity, counted in stats().dropped).
   */
  attachListener(listener: HubListener): ListenerHandle {
    const stream = new EventStream(this.listenerCapacity);
    if (this.isClosed) stream.end();
    else this.listenerStreams.add(stream);
    const progress = new HandOver(stream);
    const done = pumpListener(stream, listener, progress, (error) =>
      this.listenerFailed(error),
    ).finally(() => progress.finish());
    return {
      detach: () => {
        this.listenerStreams.delete(stream);
        stream.end();
      },
      done,
      handed: () => progress.until(),
    };
  }

  /** Counts an error a listener threw, and tells onListenerError; the listener goes on. */
  private listenerFailed(error: unknown): void {
    this.counters.listenerErrors += 1;
    this.onListenerError(error);
  }

  private onEntries(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      this.emitEvent(
        makeEvent({
          id: entry.id,
          chatroomId: this.chatroomId,
          type: 'message',
          userId: entry.userId,
          message: entry.message,
          unixTime: entry.unixTime,
        }),
      );
    }
  }

  /** Derives join/add/remove/leave; a change this hub has already applied emits nothing. */
  private onPresence(change: PresenceChange): void {
    // Arrivals first, so a user who swaps one tab for another never flickers leave/join.
    for (const session of change.added) {
      if (this.members.get(session.userId)?.has(session.sessionId)) continue;
      const first = !this.members.has(session.userId);
      this.addMember(session);
      this.emitPresence(first ? 'join' : 'add', session);
    }
    for (const session of change.removed) {
      const ids = this.members.get(session.userId);
      if (!ids?.has(session.sessionId)) continue;
      // A local session removed from outside (not through remove()) still ends first.
      const localEntry = this.local.get(sessionKey(session));
      if (localEntry) {
        this.local.delete(sessionKey(session));
        localEntry.stream.end();
      }
      ids.delete(session.sessionId);
      if (ids.size === 0) this.members.delete(session.userId);
      this.emitPresence(ids.size === 0 ? 'leave' : 'remove', session);
    }
  }

  private addMember(session: SessionKey): void {
    let ids = this.members.get(session.userId);
    if (!ids) {
      ids = new Set<string>();
      this.members.set(session.userId, ids);
    }
    ids.add(session.sessionId);
    const key = sessionKey(session);
    this.appearances.set(key, (this.appearances.get(key) ?? 0) + 1);
  }

  private emitPresence(type: EventType, session: SessionKey): void {
    const appearance = this.appearances.get(sessionKey(session)) ?? 1;
    // The same in every tab that sees this transition: derived from the session, not a counter
    // of this tab's own.
    const id = [this.chatroomId, type, session.userId, session.sessionId, appearance].join(':');
    this.emit(type, session.userId, session.sessionId, id);
  }

  private emit(
    type: EventType,
    userId: string | undefined,
    sessionId: string | undefined,
    id: string,
  ): void {
    this.emitEvent(
      makeEvent({ id, chatroomId: this.chatroomId, type, userId, sessionId, unixTime: this.now() }),
    );
  }

  private emitEvent(event: ChatEvent): void {
    this.ring.add(event);
    for (const { stream } of this.local.values()) this.deliver(stream, event);
    for (const stream of this.listenerStreams) this.deliver(stream, event);
  }

  private deliver(stream: EventStream, event: ChatEvent): void {
    this.counters.delivered += 1;
    if (!stream.push(event)) this.counters.dropped += 1;
  }
}

function checkedSession(userId: string, sessionId: string): SessionKey {
  if (typeof userId !== 'string' || userId === '') {
    throw new TypeError('userId must be a non-empty string');
  }
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new TypeError('sessionId must be a non-empty string');
  }
  return { userId, sessionId };
}
