// The app state of one tab, as the UI drives it: the joined rooms and the one on screen, the
// route, links and their password questions, DMs, history files, on what AppLifecycle starts
// and stops. Elements read it through AppController.
import type { Invitation } from '../direct/DirectRooms';
import type { NotificationState } from './Notifier';
import type { HistoryImport } from './StoredHistory';
import type { SearchHit } from './SearchHit';
import { AppLifecycle } from './AppLifecycle';
import type { PasswordQuestion, RoomListItem } from './ChatApplicationOptions';

/** The application state of this tab. */
export class ChatApplication extends AppLifecycle {
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
    await this.joined.setMuted(roomId, muted);
  }

  /**
   * The read mark a room had when the user last opened it (ms since the epoch): messages of
   * others after it are "new since you left". Undefined for a room joined in this visit.
   */
  newSince(roomId: string): number | undefined {
    return this.opening.newSince(roomId);
  }

  /** Joined rooms, oldest joined first, with unread counts. */
  get rooms(): RoomListItem[] {
    return this.joined.all.map((record) => ({
      record,
      label: this.joined.labelOf(record),
      unread: this.unread.count(record.roomId),
    }));
  }

  /** A message for the user about their last action (a bad link), until the next one. */
  get notice(): string | undefined {
    return this.opening.notice;
  }

  /**
   * A link the user followed names a joined room with another password than this device
   * keeps for it. Nothing changes until the user answers (answerPasswordQuestion): a link
   * from someone else must not silently move a room to a password they chose.
   */
  get passwordQuestion(): PasswordQuestion | undefined {
    return this.opening.passwordQuestion;
  }

  /** Uses the link's password for the room (`true`) or keeps the one this device has. */
  async answerPasswordQuestion(useLink: boolean): Promise<void> {
    await this.opening.answerPasswordQuestion(useLink);
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
    return Math.max(0, this.joined.all.length - this.maxLive);
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

  /** Creates a room with a fresh id and password, and opens it. */
  async createRoom(): Promise<void> {
    await this.opening.createRoom();
  }

  /** Opens the room a pasted link (or bare room id) names; false if it names none. */
  async joinByLink(input: string): Promise<boolean> {
    return this.opening.joinByLink(input);
  }

  /**
   * Joins (if new) and shows a room; a link to an unknown room creates it. A link never
   * changes a joined room's password by itself: for a group room the user is asked
   * (passwordQuestion), a direct-message room keeps its own, and a DM room this device has
   * not joined cannot be joined by link at all.
   */
  async openRoom(roomId: string, password?: string): Promise<void> {
    await this.opening.openRoom(roomId, password);
  }

  /** Shows the room list (clearing the last notice unless `clearNotice` is false). */
  goHome(clearNotice = true): void {
    this.opening.goHome(clearNotice);
  }

  /**
   * Leaves a room: closes it here and forgets it on this device (its record, its stored
   * events and its CRDT state). The UI asks the user first.
   */
  async leaveRoom(roomId: string): Promise<void> {
    const record = this.joined.find(roomId);
    const closed = this.live.drop(roomId);
    this.unread.forget(roomId);
    this.joined.forget(roomId);
    if (record?.kind === 'dm') this.options.settings.setLeft(roomId, true);
    if (this.opening.onScreen === roomId) this.goHome();
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
      this.opening.tell('That user cannot be messaged privately yet.');
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
    return this.opening.linkOf(roomId);
  }

  /** Tells the app the page became visible or hidden. */
  async visibilityChanged(): Promise<void> {
    const roomId = this.opening.onScreen;
    if (!this.isHidden() && roomId !== undefined) {
      await this.unread.markRead(roomId);
    }
    this.changed();
  }
}
