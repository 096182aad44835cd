// One open room as the UI reads it: the transcript, who is here and who is typing, the
// connection, batched change notices and the room's lifecycle. Plain TypeScript over a
// RoomSource; RoomState adds the user's intents (send, edit, typing, older pages).
import type { ChatEvent } from '../hub/events';
import { nextPaint, paintedFrames } from './nextPaint';
import type { NameBook } from './NameBook';
import type { NetworkStatus, RoomSource } from './RoomSource';
import { RoomAmendments } from './RoomAmendments';
import type { RoomProfile } from '../log/responses';
import { RoomNames } from './RoomNames';
import { RoomOutbox } from './RoomOutbox';
import { RoomParticipants } from './RoomParticipants';
import type { RoomSnapshot, RoomStateOptions } from './RoomSnapshot';
import { StoredHistory } from './StoredHistory';
import { Transcript } from './Transcript';

/** Frames a view may take to lay out the stored lines before the room loads anyway. */
const LAYOUT_FRAMES = 30;

/** The observed side of one room in this tab: its snapshot and the notices of change. */
export class ObservedRoom {
  readonly roomId: string;
  readonly userId: string;
  protected readonly source: RoomSource;
  protected readonly names: NameBook;
  protected readonly transcript: Transcript;
  private readonly options: RoomStateOptions;
  private readonly now: () => number;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private status: NetworkStatus;
  private readonly openedAt: number;
  private readonly graceTimer: ReturnType<typeof setTimeout>;
  protected ended = false;
  private dirty = true;
  private cached: RoomSnapshot | undefined;
  private scheduled = false;
  protected destroyed = false;
  protected readonly stored: StoredHistory | undefined;
  private logLoaded: boolean;
  protected readonly amendments: RoomAmendments;
  private readonly signedNames: RoomNames;
  protected readonly people: RoomParticipants;
  protected readonly outbox: RoomOutbox;

  constructor(source: RoomSource, options: RoomStateOptions) {
    this.source = source;
    this.roomId = source.roomId;
    this.userId = source.userId;
    this.names = options.names;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.transcript = new Transcript(source.userId);
    this.amendments = new RoomAmendments(source, () => this.changed(), options.onDeleted);
    this.signedNames = new RoomNames(source, options.names, () => this.changed());
    this.people = new RoomParticipants(source, {
      names: options.names,
      now: this.now,
      typingTtlMs: options.typingTtlMs ?? 6000,
      typingThrottleMs: options.typingThrottleMs ?? 2000,
      changed: () => this.changed(),
      destroyed: () => this.destroyed,
    });
    this.outbox = new RoomOutbox(source, {
      ended: () => this.ended,
      beforeWrite: () => this.signedNames.signOwn(this.options.displayName?.()),
      linkReply: (id, replyTo) => this.amendments.linkReply(id, replyTo, this.userId),
      markPending: (id) => this.transcript.markPending(id),
      written: () => {
        this.people.sent();
        this.changed();
      },
    });
    this.status = source.network.status();
    this.openedAt = this.now();
    const grace = options.connectGraceMs ?? 10_000;
    this.graceTimer = setTimeout(() => this.changed(), grace + 10);
    this.unsubscribe.push(
      source.log.observe((entries) => {
        this.amendments.entriesArrived();
        this.options.onEntries?.(entries);
        this.changed();
      }),
      source.network.onStatus((status) => this.onStatus(status)),
      source.delivery.onDelivered((ids) => {
        if (this.transcript.deliver(ids)) this.changed();
      }),
      source.presence.observe(() => this.onAwareness()),
    );
    // Names, typing and newly trusted cards: presence tells us when states() changed.
    this.unsubscribe.push(source.presence.onStates(() => this.onAwareness()));
    this.people.readPresence();
    void this.pump();
    this.stored = options.history && new StoredHistory(options.history, source.roomId);
    const stored = source.onStoredHistory?.((entries) => {
      this.options.onStoredHistory?.(entries);
      void this.reloadStored();
    });
    if (stored) this.unsubscribe.push(stored);
    this.storedShown = this.reloadStored();
    // Until the room's stored CRDT state is in the log, stored lines it lacks are only not
    // loaded yet; after, they are lines this device holds no signature for.
    this.logLoaded = source.loaded === undefined;
    void source.loaded?.then(() => {
      this.logLoaded = true;
      if (!this.destroyed) this.changed();
    });
  }

  /**
   * Settles once the newest stored page (if any) is in the snapshot and listeners were told:
   * the room's document may load after the next paint.
   */
  readonly storedShown: Promise<void>;
  private markShown: () => void = () => undefined;
  private readonly linesShown = new Promise<void>((resolve) => (this.markShown = resolve));

  /** The view tells that the room's lines are on screen (the message log has laid them out). */
  shown(): void {
    this.markShown();
  }

  /**
   * Settles once the room is on screen: its stored lines laid out by the view (`shown()`), or
   * painted when there were none to lay out. A view that has not laid them out after
   * LAYOUT_FRAMES painted frames is not showing them (the name screen is up, say), and the
   * room goes on. Frames, not a timer: on a loaded machine they come late, and the room's
   * state must still be decoded only after its newest page was painted.
   */
  async onScreen(): Promise<void> {
    await this.storedShown;
    const empty = this.snapshot().lines.length === 0;
    await Promise.race([empty ? nextPaint() : this.linesShown, paintedFrames(LAYOUT_FRAMES)]);
    // Laid out is not yet painted: the frame that shows them comes first.
    if (!empty) await nextPaint();
  }

  /** Reads this device's stored history again (after an import, say). */
  async reloadStored(): Promise<void> {
    const notices = (await this.stored?.load()) ?? [];
    for (const event of notices) this.transcript.addEvent(event);
    if (!this.destroyed) this.changed();
  }

  /** The current view; the same object until something changes. */
  snapshot(): RoomSnapshot {
    if (this.cached && !this.dirty) return this.cached;
    this.dirty = false;
    const participants = this.people.participants();
    this.cached = {
      roomId: this.roomId,
      lines: this.amendments.apply(
        this.transcript.build(
          this.stored
            ? this.stored.merge(
                this.source.log.entries(),
                (id) => this.source.log.get(id) !== undefined,
                this.logLoaded,
              )
            : this.source.log.entries(),
        ),
        this.userId,
      ),
      profile: this.amendments.profile(),
      participants,
      typing: participants.filter((p) => p.typing && !p.self).map((p) => p.label),
      status: this.status,
      connecting:
        !this.status.signaling &&
        this.now() - this.openedAt < (this.options.connectGraceMs ?? 10_000),
      ended: this.ended,
      hasOlder: this.transcript.hasOlder || (this.stored?.hasOlder ?? false),
    };
    return this.cached;
  }

  /** The room's name and topic as its members last set them (snapshot().profile, cheaply). */
  profile(): RoomProfile | undefined {
    return this.amendments.profile();
  }

  /** Settles once every entry that has arrived so far is in this device's stored history. */
  async saved(): Promise<void> {
    await this.source.saved?.();
  }

  /** The room's edited messages, by id, with their latest text (deleted ones apart). */
  edits(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, change] of this.amendments.current()) {
      if (!change.deleted && change.text !== undefined) out.set(id, change.text);
    }
    return out;
  }

  /** Calls `listener` (batched, after a microtask) whenever the snapshot changes. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    this.stored?.destroy();
    if (this.destroyed) return;
    this.destroyed = true;
    this.amendments.destroy();
    this.signedNames.destroy();
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.people.destroy();
    clearTimeout(this.graceTimer);
    this.listeners.clear();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const batch = await this.source.stream.nextBatch();
      if (!batch || this.destroyed) return;
      if (batch.some((event) => this.onEvent(event))) this.changed();
    }
  }

  private onEvent(event: ChatEvent): boolean {
    if (event.type === 'close') this.ended = true;
    // Presence events may name a user before their name is known; relabel once it is.
    if (event.type === 'join' || event.type === 'leave') this.people.readPresence();
    return this.transcript.addEvent(event) || event.type === 'close';
  }

  private onStatus(status: NetworkStatus): void {
    this.status = status;
    this.changed();
  }

  private readonly onAwareness = (): void => {
    this.readAll();
  };

  private readAll(): void {
    if (this.destroyed) return;
    this.people.readPresence();
    this.options.onPresence?.();
    this.changed();
  }

  protected changed(): void {
    this.dirty = true;
    if (this.scheduled || this.destroyed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
