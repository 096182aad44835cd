// One open room as the UI sees it: the transcript, who is here and who is typing, the
// connection, and the user's intents (send, typing, older pages). Plain TypeScript over a
// RoomSource; elements read it through RoomController and hold no logic of their own.
import type { ChatEvent } from '../hub/events';
import type { LogEntry } from '../hub/ports';
import { readPeerCard, type PeerCard } from '../direct/DirectMessages';
import { nextPaint, paintedFrames } from './nextPaint';
import { tagOf, type NameBook } from './NameBook';
import type { NetworkStatus, RoomSource } from './RoomSource';
import { RoomAmendments, type AmendRefusal } from './RoomAmendments';
import type { FileShelf } from './FileShelf';
import type { RoomProfile } from '../log/responses';
import { RoomNames } from './RoomNames';
import { StoredHistory, type HistoryPages } from './StoredHistory';
import { Transcript, type ChatLine } from './Transcript';

/** Frames a view may take to lay out the stored lines before the room loads anyway. */
const LAYOUT_FRAMES = 30;

/** One present user, however many tabs they have open. */
export interface Participant {
  readonly userId: string;
  readonly label: string;
  /** Short key tag, e.g. `3f9a-07c2`, shown beside every name. */
  readonly tag: string;
  readonly self: boolean;
  readonly tabs: number;
  readonly typing: boolean;
}

/** Everything a room view renders. */
export interface RoomSnapshot {
  readonly roomId: string;
  readonly lines: readonly ChatLine[];
  readonly participants: readonly Participant[];
  /** Labels of the other users typing now. */
  readonly typing: readonly string[];
  readonly status: NetworkStatus;
  /** Not yet on the signaling server, shortly after opening: "connecting", not "unreachable". */
  readonly connecting: boolean;
  readonly ended: boolean;
  readonly hasOlder: boolean;
  /** The room's name and topic as its members last set them (none set: undefined). */
  readonly profile?: RoomProfile;
}

export interface RoomStateOptions {
  readonly names: NameBook;
  /** The user's display name now: signed into the log before each message they write. */
  readonly displayName?: () => string | undefined;
  /** Called with entries as they join the log (for unread counts and notifications). */
  readonly onEntries?: (entries: readonly LogEntry[]) => void;
  /** Called with older messages stored from peers, not news (for search). */
  readonly onStoredHistory?: (entries: readonly LogEntry[]) => void;
  /** Called with the ids of messages their authors deleted (once each). */
  readonly onDeleted?: (ids: readonly string[]) => void;
  /** Called after any awareness change (for DM invitations). */
  readonly onPresence?: () => void;
  /** A typing mark older than this is stale (default 6 s). */
  readonly typingTtlMs?: number;
  /** How long after opening a missing signaling connection counts as connecting (10 s). */
  readonly connectGraceMs?: number;
  /** Least time between two typing marks sent (default 2 s). */
  readonly typingThrottleMs?: number;
  readonly now?: () => number;
  /** This device's stored history of the room (shown at once, imported history included). */
  readonly history?: HistoryPages;
}

/** The view model of one room in this tab. */
export class RoomState {
  readonly roomId: string;
  readonly userId: string;
  private readonly source: RoomSource;
  private readonly names: NameBook;
  private readonly transcript: Transcript;
  private readonly options: RoomStateOptions;
  private readonly now: () => number;
  private readonly typingTtlMs: number;
  private readonly typingThrottleMs: number;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];
  /** userId -> [last typing value seen, local time it changed]. */
  private readonly typingSeen = new Map<string, [number, number]>();
  private status: NetworkStatus;
  private readonly openedAt: number;
  private readonly graceTimer: ReturnType<typeof setTimeout>;
  private ended = false;
  private dirty = true;
  private cached: RoomSnapshot | undefined;
  private scheduled = false;
  private lastTypingSent = 0;
  /** Messages sent before the room's code loaded, in order (with the message each answers). */
  private readonly queued: { text: string; replyTo?: string }[] = [];
  private startingRoom: Promise<unknown> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private readonly stored: StoredHistory | undefined;
  private logLoaded: boolean;
  private readonly amendments: RoomAmendments;
  private readonly signedNames: RoomNames;

  constructor(source: RoomSource, options: RoomStateOptions) {
    this.source = source;
    this.roomId = source.roomId;
    this.userId = source.userId;
    this.names = options.names;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.typingTtlMs = options.typingTtlMs ?? 6000;
    this.typingThrottleMs = options.typingThrottleMs ?? 2000;
    this.transcript = new Transcript(source.userId);
    this.amendments = new RoomAmendments(source, () => this.changed(), options.onDeleted);
    this.signedNames = new RoomNames(source, options.names, () => this.changed());
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
    this.readPresence();
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
    const participants = this.participants();
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

  /**
   * Sends `text` as this user. Empty or whitespace-only text is ignored (returns false).
   * The text is sent as typed: leading and trailing blank lines are the user's own.
   */
  send(text: string, replyTo?: string): boolean {
    if (this.ended || text.trim() === '') return false;
    // Sent in the moment before the room's code has loaded: kept, in order, and written as
    // soon as it has (the user pressed Enter; the text must not stay behind in the box).
    const starting = this.queued.length > 0 ? this.startingRoom : this.source.starting?.();
    if (starting) {
      this.startingRoom = starting;
      this.queued.push(replyTo === undefined ? { text } : { text, replyTo });
      if (this.queued.length === 1)
        void starting.then(
          () => this.sendQueued(),
          () => undefined,
        );
      return true;
    }
    return this.write(text, replyTo) !== undefined;
  }

  /** The room's shared files (undefined until the room's code has loaded). */
  get files(): FileShelf | undefined {
    return this.source.files;
  }

  /** Shares `file` as this user's message; what to tell the user when it was not shared. */
  async shareFile(file: Blob & { readonly name?: string }): Promise<string | undefined> {
    if (this.ended) return 'This room is closed here.';
    // The file code loads with the first file shared, not with the first page.
    const { shareFile } = await import('./FileShelf');
    return shareFile(
      this.source.files,
      file,
      (text) => this.write(text),
      (id, attached) => this.amendments.attach(id, this.userId, attached),
    );
  }

  private sendQueued(): void {
    for (const { text, replyTo } of this.queued.splice(0)) {
      if (this.write(text, replyTo) === undefined) {
        console.error('MeshChat: a message could not be written', text);
      }
    }
  }

  private write(text: string, replyTo?: string): string | undefined {
    if (this.ended) return undefined;
    this.signedNames.signOwn(this.options.displayName?.());
    const id = this.source.send(text);
    if (id === undefined) return undefined;
    // The link goes right after its message, in the same batch: peers see both at once.
    if (replyTo !== undefined) this.amendments.linkReply(id, replyTo, this.userId);
    if (!this.source.delivery.isDelivered(id)) this.transcript.markPending(id);
    this.lastTypingSent = 0;
    this.source.presence.setField('typing', 0);
    this.changed();
    return id;
  }

  /**
   * Replaces the text of this user's message `id` with `text` (a signed edit entry); returns
   * why it was refused (not this user's, deleted, empty), or undefined when it was written.
   */
  edit(id: string, text: string): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const refused = this.amendments.edit(id, this.userId, text);
    if (!refused) this.changed();
    return refused;
  }

  /** Deletes this user's message `id` (a signed delete entry); the reason when refused. */
  deleteMessage(id: string): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const refused = this.amendments.remove(id, this.userId);
    if (!refused) this.changed();
    return refused;
  }

  /**
   * Turns this user's reaction `emoji` on message `id` on, or off when it stands already (a
   * signed react entry); the reason when refused.
   */
  react(id: string, emoji: string): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const line = this.snapshot().lines.find((l) => l.kind === 'message' && l.id === id);
    const mine =
      line?.kind === 'message' && (line.reactions ?? []).some((r) => r.emoji === emoji && r.mine);
    const refused = this.amendments.react(id, this.userId, emoji, !mine);
    if (!refused) this.changed();
    return refused;
  }

  /** Names the room and sets its topic, for every member (a signed room entry). */
  nameRoom(name: string, topic = ''): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const refused = this.amendments.rename(name, topic, this.userId);
    if (!refused) this.changed();
    return refused;
  }

  /** Whether this user may edit or delete message `id`. */
  canAmend(id: string): boolean {
    return this.amendments.check(id, this.userId) === undefined;
  }

  /** Tells peers this user is typing; throttled, so call it on every keystroke. */
  typing(): void {
    const at = this.now();
    if (at - this.lastTypingSent < this.typingThrottleMs) return;
    this.lastTypingSent = at;
    this.source.presence.setField('typing', at);
  }

  /** Tells peers this user stopped typing (the box was emptied, or a send was refused). */
  stopTyping(): void {
    if (this.lastTypingSent === 0) return;
    this.lastTypingSent = 0;
    this.source.presence.setField('typing', 0);
  }

  /**
   * Shows one more page of older messages; false when there are none. What the log holds
   * shows at once; older stored events (notices, imported history) follow from storage.
   */
  showOlder(): boolean {
    const widened = this.transcript.showOlder();
    if (widened) this.changed();
    if (!this.stored?.hasOlder) return widened;
    void this.stored.loadOlder().then((notices) => {
      if (this.destroyed) return;
      for (const event of notices) this.transcript.addEvent(event);
      if (!widened) this.transcript.widen();
      this.changed();
    });
    return true;
  }

  /** The DM-related fields of every peer state here (not this tab's own). */
  peerCards(): PeerCard[] {
    const cards: PeerCard[] = [];
    for (const [client, state] of this.source.presence.states()) {
      if (client === this.source.awareness.clientID) continue;
      const card = readPeerCard(state);
      if (card && card.userId !== this.userId) cards.push(card);
    }
    return cards;
  }

  /** The users present here now, each once. */
  presentUserIds(): string[] {
    return this.source.hub.participants().map((member) => member.userId);
  }

  /** Publishes an awareness field of this tab (DM keys and invitations). */
  publish(field: string, value: unknown): void {
    this.source.presence.setField(field, value);
  }

  /** Shares a changed display name with the room. */
  rename(name: string): void {
    this.source.presence.setField('name', name);
    this.names.learn(this.userId, name);
  }

  destroy(): void {
    this.stored?.destroy();
    if (this.destroyed) return;
    this.destroyed = true;
    this.amendments.destroy();
    this.signedNames.destroy();
    for (const stop of this.unsubscribe.splice(0)) stop();
    if (this.typingTimer !== undefined) clearTimeout(this.typingTimer);
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
    if (event.type === 'join' || event.type === 'leave') this.readPresence();
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
    this.readPresence();
    this.options.onPresence?.();
    this.changed();
  }

  /** Learns names and typing marks from the awareness states. */
  private readPresence(): void {
    const at = this.now();
    // A user typing in one tab is typing, whatever another of their tabs last said.
    const typingOf = new Map<string, number>();
    for (const state of this.source.presence.states().values()) {
      const card = readPeerCard(state);
      if (!card) continue;
      // The time the card was signed, so that a replayed older card renames nobody.
      const signedAt = typeof state.t === 'number' ? state.t : undefined;
      if (card.name) this.names.learn(card.userId, card.name, signedAt);
      const typing = typeof state.typing === 'number' ? state.typing : 0;
      typingOf.set(card.userId, Math.max(typing, typingOf.get(card.userId) ?? 0));
    }
    for (const [userId, typing] of typingOf) {
      const seen = this.typingSeen.get(userId);
      if (!seen || seen[0] !== typing) this.typingSeen.set(userId, [typing, at]);
    }
  }

  private isTyping(userId: string, at: number): boolean {
    const seen = this.typingSeen.get(userId);
    return seen !== undefined && seen[0] > 0 && at - seen[1] < this.typingTtlMs;
  }

  private participants(): Participant[] {
    const at = this.now();
    let nextExpiry = Infinity;
    const list = this.source.hub.participants().map((member): Participant => {
      const typing = this.isTyping(member.userId, at);
      if (typing) {
        const seen = this.typingSeen.get(member.userId);
        nextExpiry = Math.min(nextExpiry, (seen?.[1] ?? at) + this.typingTtlMs);
      }
      return {
        userId: member.userId,
        label: this.names.label(member.userId),
        tag: tagOf(member.userId),
        self: member.userId === this.userId,
        tabs: member.sessionIds.length,
        typing,
      };
    });
    // Re-render when the oldest typing mark goes stale, even if nothing else happens.
    if (this.typingTimer !== undefined) clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    if (nextExpiry < Infinity && !this.destroyed) {
      this.typingTimer = setTimeout(() => this.changed(), Math.max(0, nextExpiry - at) + 20);
    }
    return list.sort((a, b) => Number(b.self) - Number(a.self) || a.label.localeCompare(b.label));
  }

  private changed(): void {
    this.dirty = true;
    if (this.scheduled || this.destroyed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
