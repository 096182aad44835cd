// The app state of one tab, as the UI drives it: who the user is and their name, the joined
// rooms and the one on screen, the route, links and their password questions, DMs, history
// files. It delegates the open rooms to LiveRooms, unread counts and notifications to
// UnreadCounts, DMs to direct/DirectRooms. Elements read it through AppController.
import type { DhKeys } from '../direct/DhKeys';
import type { SignatureVerifier, Signer } from '../log/signing';
import { announceDh, DH_FIELD, type DhAnnouncement } from '../direct/DirectMessages';
import { DirectRooms, type Invitation } from '../direct/DirectRooms';
import type { NameBook } from './NameBook';
import type { NotificationState, Notifier } from './Notifier';
import type { RoomDirectory, RoomRecord } from './RoomDirectory';
import {
  isDirectRoomId,
  isRoomId,
  newRoomId,
  newRoomPassword,
  parseRoomInput,
  roomLink,
} from './RoomLink';
import type { RoomOpener } from './RoomSource';
import type { HistoryImport, RoomHistory } from './StoredHistory';
import { LiveRooms } from './LiveRooms';
import { nextPaint } from './nextPaint';
import type { RoomState } from './RoomState';
import { UnreadCounts } from './UnreadCounts';
import { DeviceSearch } from './DeviceSearch';
import { HistoryFiles } from './HistoryFiles';
import type { SearchHit } from './MessageSearch';
import type { Navigation } from './Navigation';
import type { Route } from './RoomLink';
import type { Settings } from './Settings';

export interface ChatApplicationOptions {
  readonly signer: Signer;
  readonly verifier: SignatureVerifier;
  /**
   * The key of direct messages; a promise when it loads later than the app starts (it is
   * first needed once the room on screen has painted: see ChatApplication.painted).
   */
  readonly dh: DhKeys | Promise<DhKeys>;
  readonly settings: Settings;
  readonly directory: RoomDirectory;
  readonly router: Navigation;
  readonly names: NameBook;
  readonly openRoom: RoomOpener;
  readonly notifier: Notifier;
  /** Whether the page is hidden now (document.hidden). */
  readonly isHidden?: () => boolean;
  /** Whether the identity survives a reload (false in a private window). */
  readonly persistentIdentity?: boolean;
  readonly now?: () => number;
  /**
   * How many joined rooms are kept live (connected) at once (default 12). Each live room is
   * one signaling topic, and a server accepts a bounded number per connection
   * (MAX_TOPICS_PER_CONNECTION, 100 by default): past it, it would refuse the connection and
   * every room would reconnect in a loop.
   */
  readonly maxLiveRooms?: number;
  /** This device's stored history: pages, export and import, and storage trouble. */
  readonly history?: RoomHistory;
}

/** A joined room as the room list shows it. */
export interface RoomListItem {
  readonly record: RoomRecord;
  readonly label: string;
  readonly unread: number;
}

/** A link that names a joined room with another password: the user decides. */
export interface PasswordQuestion {
  readonly roomId: string;
  readonly password: string;
}

/** Default for ChatApplicationOptions.maxLiveRooms. */
export const DEFAULT_MAX_LIVE_ROOMS = 12;

/** The application state of this tab. */
export class ChatApplication {
  readonly userId: string;
  readonly persistentIdentity: boolean;
  private readonly options: ChatApplicationOptions;
  private readonly now: () => number;
  private readonly isHidden: () => boolean;
  private readonly listeners = new Set<() => void>();
  private readonly live: LiveRooms;
  private readonly unread: UnreadCounts;
  private readonly direct: DirectRooms;
  private records: RoomRecord[] = [];
  private readonly readBefore = new Map<string, number>();
  private readonly search: DeviceSearch;
  private readonly files: HistoryFiles;
  private currentId: string | undefined;
  private pendingRoute: Route | undefined;
  private problem: string | undefined;
  private question: PasswordQuestion | undefined;
  private announcement: DhAnnouncement | undefined;
  private stopRouter: (() => void) | undefined;
  private started = false;
  private destroyed = false;

  constructor(options: ChatApplicationOptions) {
    this.options = options;
    this.userId = options.signer.userId;
    this.persistentIdentity = options.persistentIdentity ?? true;
    this.now = options.now ?? Date.now;
    this.isHidden = options.isHidden ?? (() => false);
    options.history?.onWarning(() => this.changed());
    this.direct = new DirectRooms(
      {
        userId: this.userId,
        records: () => this.records,
        liveRooms: () => this.live.states(),
        add: async (record) => {
          const kept = await this.options.directory.add(record);
          this.remember(kept);
          return kept;
        },
        open: (record) => {
          if (!this.destroyed) this.live.ensure(record);
        },
        changed: () => this.changed(),
      },
      { dh: options.dh, verifier: options.verifier, settings: options.settings, now: this.now },
    );
    this.files = new HistoryFiles({
      ...(options.history ? { history: options.history } : {}),
      names: options.names,
      labelOf: (roomId) => {
        const record = this.records.find((r) => r.roomId === roomId);
        return record && this.labelOf(record);
      },
      reload: async (roomId) => this.live.get(roomId)?.state.reloadStored(),
      changed: () => this.changed(),
    });
    this.search = new DeviceSearch({
      ...(options.history ? { history: options.history } : {}),
      rooms: () => this.records.map((r) => r.roomId),
      open: () => this.live.states(),
    });
    this.live = new LiveRooms({
      openRoom: options.openRoom,
      names: options.names,
      ...(options.history ? { history: options.history } : {}),
      maxLive: options.maxLiveRooms ?? DEFAULT_MAX_LIVE_ROOMS,
      displayName: () => this.displayName,
      onScreen: () => this.currentId,
      onEntries: (roomId, entries) => {
        this.unread.onEntries(roomId, entries);
        this.search.arrived(roomId, entries);
      },
      onDeleted: (roomId, ids) => this.search.deleted(roomId, ids),
      onStoredHistory: (roomId, entries) => this.search.arrived(roomId, entries),
      onPresence: (state) => this.direct.seen(state),
      opened: (state) => {
        if (this.displayName) this.names.learn(this.userId, this.displayName);
        if (this.announcement) state.publish(DH_FIELD, this.announcement);
        this.direct.seen(state);
        state.subscribe(() => this.nameFromLog(state));
      },
    });
    this.unread = new UnreadCounts({
      userId: this.userId,
      directory: options.directory,
      notifier: options.notifier,
      names: options.names,
      now: this.now,
      displayName: () => this.displayName,
      isHidden: this.isHidden,
      record: (roomId) => this.records.find((r) => r.roomId === roomId),
      remember: (record) => this.remember(record),
      onScreen: () => this.currentId,
      open: (roomId) => void this.openRoom(roomId),
      changed: () => this.changed(),
    });
  }

  get displayName(): string | undefined {
    return this.options.settings.displayName;
  }

  /** The room on screen, if any. */
  get current(): RoomState | undefined {
    return this.currentId === undefined ? undefined : this.live.get(this.currentId)?.state;
  }

  get currentRecord(): RoomRecord | undefined {
    return this.records.find((r) => r.roomId === this.currentId);
  }

  /**
   * The messages stored on this device, in every joined room, that have every word of
   * `query`, best first. The first search reads the stored history into an index (`progress`
   * hears how many messages it holds so far); later ones answer from memory.
   */
  async searchMessages(query: string, progress?: (indexed: number) => void): Promise<SearchHit[]> {
    return this.search.search(query, progress);
  }

  /** Mutes a room's notifications (its unread count stays), or unmutes them. */
  async setMuted(roomId: string, muted: boolean): Promise<void> {
    const record = this.records.find((r) => r.roomId === roomId);
    if (!record) return;
    const next: RoomRecord = { ...record, muted };
    if (!muted) delete (next as { muted?: boolean }).muted;
    this.remember(next);
    this.changed();
    const stored = await this.options.directory.update(roomId, { muted });
    if (stored) this.remember(stored);
  }

  /**
   * The read mark a room had when the user last opened it (ms since the epoch): messages of
   * others after it are "new since you left". Undefined for a room joined in this visit.
   */
  newSince(roomId: string): number | undefined {
    return this.readBefore.get(roomId);
  }

  /** Joined rooms, oldest joined first, with unread counts. */
  get rooms(): RoomListItem[] {
    return this.records.map((record) => ({
      record,
      label: this.labelOf(record),
      unread: this.unread.count(record.roomId),
    }));
  }

  /** A message for the user about their last action (a bad link), until the next one. */
  get notice(): string | undefined {
    return this.problem;
  }

  /**
   * A link the user followed names a joined room with another password than this device
   * keeps for it. Nothing changes until the user answers (answerPasswordQuestion): a link
   * from someone else must not silently move a room to a password they chose.
   */
  get passwordQuestion(): PasswordQuestion | undefined {
    return this.question;
  }

  /** Uses the link's password for the room (`true`) or keeps the one this device has. */
  async answerPasswordQuestion(useLink: boolean): Promise<void> {
    const question = this.question;
    this.question = undefined;
    if (!question || !useLink) {
      this.changed();
      return;
    }
    const updated = await this.options.directory.update(question.roomId, {
      password: question.password,
    });
    if (updated?.kind !== 'group') {
      this.changed();
      return;
    }
    this.remember(updated);
    await this.live.drop(question.roomId);
    this.live.ensure(updated, this.currentId === question.roomId);
    if (this.currentId === question.roomId) this.go(updated);
    this.changed();
  }

  /** DM invitations from peers, waiting for the user's "Accept" or "Ignore". */
  get invitations(): Invitation[] {
    return this.direct.invitations();
  }

  /** Accepts a peer's DM invitation: the DM room is added and opened, and shown. */
  async acceptInvitation(peerUserId: string): Promise<void> {
    const record = await this.direct.accept(peerUserId);
    if (record) await this.openRoom(record.roomId);
  }

  /** Ignores a peer's DM invitation: nothing opens, and it is not listed again. */
  async ignoreInvitation(peerUserId: string): Promise<void> {
    await this.direct.ignore(peerUserId);
    this.changed();
  }

  /**
   * How many joined rooms are not connected now because at most maxLiveRooms are: they
   * connect when opened (the UI says so).
   */
  get offlineRoomCount(): number {
    return Math.max(0, this.records.length - this.maxLive);
  }

  private get maxLive(): number {
    return this.options.maxLiveRooms ?? DEFAULT_MAX_LIVE_ROOMS;
  }

  get names(): NameBook {
    return this.options.names;
  }

  /** Loads the joined rooms, opens them, and shows the route in the address bar. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.records = await this.options.directory.list();
    const route = this.options.router.current();
    // The room the user came for first: it is the first to paint and to load.
    const first = route.kind === 'room' && this.records.find((r) => r.roomId === route.roomId);
    if (this.displayName && first) this.live.ensure(first, true);
    if (this.displayName) for (const record of this.liveCandidates()) this.live.ensure(record);
    this.stopRouter = this.options.router.onChange((route) => void this.apply(route));
    await this.apply(route);
    this.changed();
    const shown = first && this.displayName ? this.live.get(first.roomId)?.state : undefined;
    const onScreen = shown ? shown.onScreen() : nextPaint();
    onScreen.then(this.markPainted, this.markPainted);
    // Signed and published in every open room only once the first page is on screen.
    void this.firstPaint.then(() => this.announce());
  }

  /**
   * Settles once the page start() showed is painted: the room on screen with its newest
   * stored page, else the room list or the name screen. What the first paint does not need
   * (the service worker, the key of direct messages) waits for it.
   */
  painted(): Promise<void> {
    return this.firstPaint;
  }

  private markPainted: () => void = () => undefined;
  private readonly firstPaint = new Promise<void>((resolve) => (this.markPainted = resolve));

  /** Signs this device's key of direct messages and publishes it in every open room. */
  private async announce(): Promise<void> {
    try {
      const announcement = await announceDh(await this.options.dh, this.options.signer);
      if (this.destroyed) return;
      this.announcement = announcement;
      for (const state of this.live.states()) state.publish(DH_FIELD, announcement);
    } catch (error) {
      console.error('MeshChat could not announce its key for direct messages', error);
    }
  }

  /** Calls `listener` after every change of state; returns an unsubscribe function. */
  /** Why this device cannot keep history right now, if it cannot. */
  get storageWarning(): string | undefined {
    return this.options.history?.warning();
  }

  /** A room's stored history as a JSON lines file's text, with the authors' names known here. */
  exportHistory(roomId: string): Promise<string> {
    return this.files.exportRoom(roomId);
  }

  /**
   * Imports a JSON lines file into a room's stored history and shows it, with the authors'
   * names the file gives (marked unverified, never over a signed name). A file of another
   * room imports nothing; the outcome names that room (with its label, if joined here).
   */
  importHistory(
    roomId: string,
    text: string,
  ): Promise<HistoryImport & { readonly otherRoomLabel?: string }> {
    return this.files.importRoom(roomId, text);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets (or changes) the display name; rejects with RangeError for an empty one. */
  async setDisplayName(input: string): Promise<void> {
    const first = this.displayName === undefined;
    const name = this.options.settings.setDisplayName(input);
    this.names.learn(this.userId, name);
    for (const state of this.live.states()) state.rename(name);
    if (first) for (const record of this.liveCandidates()) this.live.ensure(record);
    const pending = this.pendingRoute;
    this.pendingRoute = undefined;
    if (pending) await this.apply(pending);
    this.changed();
  }

  /** Creates a room with a fresh id and password, and opens it. */
  async createRoom(): Promise<void> {
    await this.openRoom(newRoomId(), newRoomPassword());
  }

  /** Opens the room a pasted link (or bare room id) names; false if it names none. */
  async joinByLink(input: string): Promise<boolean> {
    const route = parseRoomInput(input);
    if (route?.kind !== 'room') {
      this.problem = route?.kind === 'bad-link' ? route.problem : 'That is not a room link.';
      this.changed();
      return false;
    }
    await this.openRoom(route.roomId, route.password);
    return true;
  }

  /**
   * Joins (if new) and shows a room; a link to an unknown room creates it. A link never
   * changes a joined room's password by itself: for a group room the user is asked
   * (passwordQuestion), a direct-message room keeps its own, and a DM room this device has
   * not joined cannot be joined by link at all.
   */
  async openRoom(roomId: string, password?: string): Promise<void> {
    this.problem = undefined;
    if (!isRoomId(roomId)) {
      this.problem = 'That is not a room link.';
      this.changed();
      return;
    }
    if (!this.displayName) {
      this.pendingRoute = { kind: 'room', roomId, ...(password ? { password } : {}) };
      this.changed();
      return;
    }
    const known = this.records.find((r) => r.roomId === roomId);
    if (!known && isDirectRoomId(roomId)) {
      this.problem = 'That is a private room of two other people: it cannot be joined by link.';
      this.goHome(false);
      return;
    }
    const record =
      known ??
      (await this.options.directory.add({
        roomId,
        kind: 'group',
        title: `Room ${roomId.slice(0, 6)}`,
        joinedAt: this.now(),
        lastReadAt: 0,
        ...(password ? { password } : {}),
      }));
    if (password && record.password !== password) {
      if (record.kind === 'dm') {
        this.problem = 'Links cannot change a private room: it opened with its own password.';
      } else {
        this.question = { roomId, password };
      }
    }
    if (record.kind === 'dm') this.options.settings.setLeft(roomId, false);
    // Where this visit's "new since you left" line goes: the read mark before this opening.
    if (known && this.currentId !== roomId) this.readBefore.set(roomId, known.lastReadAt);
    this.remember(record);
    this.live.ensure(record, true);
    this.currentId = roomId;
    this.go(record);
    await this.unread.markRead(roomId);
    this.changed();
  }

  /** Shows a room's route; a DM's password never goes in the address bar. */
  private go(record: RoomRecord): void {
    this.options.router.go({
      kind: 'room',
      roomId: record.roomId,
      ...(record.password && record.kind === 'group' ? { password: record.password } : {}),
    });
  }

  /** Shows the room list (clearing the last notice unless `clearNotice` is false). */
  goHome(clearNotice = true): void {
    this.currentId = undefined;
    if (clearNotice) this.problem = undefined;
    this.options.router.go({ kind: 'home' });
    this.changed();
  }

  /**
   * Leaves a room: closes it here and forgets it on this device (its record, its stored
   * events and its CRDT state). The UI asks the user first.
   */
  async leaveRoom(roomId: string): Promise<void> {
    const record = this.records.find((r) => r.roomId === roomId);
    const closed = this.live.drop(roomId);
    this.unread.forget(roomId);
    this.records = this.records.filter((r) => r.roomId !== roomId);
    if (record?.kind === 'dm') this.options.settings.setLeft(roomId, true);
    if (this.currentId === roomId) this.goHome();
    this.changed();
    await this.options.directory.remove(roomId);
    this.direct.publish();
    // The room's own writes must be done before its stored state is deleted, or they recreate it.
    await closed;
    await this.options.history?.forgetRoom(roomId);
    this.search.forgetRoom(roomId);
  }

  /** Whether a DM can be opened with `userId` (their signed key agreement key is known). */
  canMessagePrivately(userId: string): boolean {
    return this.direct.canMessage(userId);
  }

  /** Opens (creating if need be) the DM room shared with `peerUserId`; false if impossible. */
  async openDirectMessage(peerUserId: string): Promise<boolean> {
    const record = await this.direct.roomWith(peerUserId);
    if (!record) {
      this.problem = 'That user cannot be messaged privately yet.';
      this.changed();
      return false;
    }
    this.options.settings.setLeft(record.roomId, false);
    this.direct.publish();
    await this.openRoom(record.roomId, record.password);
    return true;
  }

  /** Whether DM notifications are allowed, refused, or not asked yet. */
  notificationState(): NotificationState {
    return this.options.notifier.permission();
  }

  /** Asks to show notifications for direct messages (call from a user gesture). */
  async enableNotifications(): Promise<void> {
    await this.options.notifier.request();
    this.changed();
  }

  /** The shareable link of a joined group room; '' for a DM, which has none. */
  linkOf(roomId: string): string {
    const record = this.records.find((r) => r.roomId === roomId);
    if (record?.kind === 'dm' || isDirectRoomId(roomId)) return '';
    return roomLink(this.options.router.origin, roomId, record?.password);
  }

  /** Tells the app the page became visible or hidden. */
  async visibilityChanged(): Promise<void> {
    if (!this.isHidden() && this.currentId !== undefined) {
      await this.unread.markRead(this.currentId);
    }
    this.changed();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.stopRouter?.();
    this.live.dropAll();
    this.search.destroy();
    this.listeners.clear();
  }

  private async apply(route: Route): Promise<void> {
    if (route.kind === 'room') {
      await this.openRoom(route.roomId, route.password);
      return;
    }
    if (route.kind === 'bad-link') {
      // Said on the room list, never a quiet join of some other room.
      this.problem = route.problem;
      this.goHome(false);
      return;
    }
    this.pendingRoute = undefined;
    this.currentId = undefined;
    this.changed();
  }

  private liveCandidates(): RoomRecord[] {
    return this.records.slice(-this.maxLive);
  }

  private labelOf(record: RoomRecord): string {
    return record.kind === 'dm' && record.peerUserId
      ? this.names.label(record.peerUserId)
      : record.title;
  }

  /**
   * Keeps a group room's title in the list to the name its members gave it in the log (the
   * latest signed room entry), so the list, the header and the page title show it even while
   * the room is closed.
   */
  private nameFromLog(state: RoomState): void {
    // The room's name alone: building the whole view of a room not on screen is not needed.
    const name = state.profile()?.name;
    const record = this.records.find((r) => r.roomId === state.roomId);
    if (!name || !record || record.kind !== 'group' || record.title === name) return;
    this.remember({ ...record, title: name });
    this.changed();
    this.options.directory.update(record.roomId, { title: name }).catch((error: unknown) => {
      console.warn('MeshChat could not store the room name', error);
    });
  }

  private remember(record: RoomRecord): void {
    const others = this.records.filter((r) => r.roomId !== record.roomId);
    this.records = [...others, record].sort((a, b) => a.joinedAt - b.joinedAt);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
