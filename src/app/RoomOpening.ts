// Which room is on screen, and how one gets there: routes, pasted links, new rooms, the room
// list. A link never moves a joined room to another password by itself (the user is asked),
// and a bad link is said on the room list rather than quietly opening some other room.
import type { JoinedRooms } from './JoinedRooms';
import type { LiveRooms } from './LiveRooms';
import type { Navigation } from './Navigation';
import type { PasswordQuestion } from './ChatApplicationOptions';
import type { RoomDirectory, RoomRecord } from './RoomDirectory';
import {
  isDirectRoomId,
  isRoomId,
  newRoomId,
  newRoomPassword,
  parseRoomInput,
  roomLink,
  type Route,
} from './RoomLink';
import type { Settings } from './Settings';
import type { UnreadCounts } from './UnreadCounts';

export interface RoomOpeningOptions {
  readonly directory: RoomDirectory;
  readonly router: Navigation;
  readonly settings: Settings;
  readonly joined: JoinedRooms;
  readonly live: LiveRooms;
  readonly unread: UnreadCounts;
  readonly now: () => number;
  /** The user's display name: a room opens only once there is one. */
  readonly displayName: () => string | undefined;
  readonly changed: () => void;
}

/** The room on screen of this tab and the ways to open one. */
export class RoomOpening {
  private readonly options: RoomOpeningOptions;
  private readonly readBefore = new Map<string, number>();
  private currentId: string | undefined;
  private pendingRoute: Route | undefined;
  private problem: string | undefined;
  private question: PasswordQuestion | undefined;

  constructor(options: RoomOpeningOptions) {
    this.options = options;
  }

  /** The id of the room on screen, if any. */
  get onScreen(): string | undefined {
    return this.currentId;
  }

  /**
   * The read mark a room had when the user last opened it (ms since the epoch): messages of
   * others after it are "new since you left". Undefined for a room joined in this visit.
   */
  newSince(roomId: string): number | undefined {
    return this.readBefore.get(roomId);
  }

  /** A message for the user about their last action (a bad link), until the next one. */
  get notice(): string | undefined {
    return this.problem;
  }

  /** Says `problem` to the user until their next action. */
  tell(problem: string): void {
    this.problem = problem;
    this.options.changed();
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
      this.options.changed();
      return;
    }
    const updated = await this.options.directory.update(question.roomId, {
      password: question.password,
    });
    if (updated?.kind !== 'group') {
      this.options.changed();
      return;
    }
    this.options.joined.remember(updated);
    await this.options.live.drop(question.roomId);
    this.options.live.ensure(updated, this.currentId === question.roomId);
    if (this.currentId === question.roomId) this.go(updated);
    this.options.changed();
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
      this.options.changed();
      return false;
    }
    await this.openRoom(route.roomId, route.password);
    return true;
  }

  /**
   * Joins (if new) and shows a room; a link to an unknown room creates it. A link never
   * changes a joined room's password by itself: for a group room the user is asked
   * (passwordQuestion), a direct-message room keeps its own, and a DM room this device has
   * not joined cannot be joined by link at all. Without a display name yet, the room waits
   * for one (openPending).
   */
  async openRoom(roomId: string, password?: string): Promise<void> {
    this.problem = undefined;
    if (!isRoomId(roomId)) {
      this.problem = 'That is not a room link.';
      this.options.changed();
      return;
    }
    if (!this.options.displayName()) {
      this.pendingRoute = { kind: 'room', roomId, ...(password ? { password } : {}) };
      this.options.changed();
      return;
    }
    const known = this.options.joined.find(roomId);
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
        joinedAt: this.options.now(),
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
    this.options.joined.remember(record);
    this.options.live.ensure(record, true);
    this.currentId = roomId;
    this.go(record);
    await this.options.unread.markRead(roomId);
    this.options.changed();
  }

  /** Opens the route that waited for a display name, if one did. */
  async openPending(): Promise<void> {
    const pending = this.pendingRoute;
    this.pendingRoute = undefined;
    if (pending) await this.apply(pending);
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
    this.options.changed();
  }

  /** Shows what `route` names: a room, the room list, or a bad link's problem. */
  async apply(route: Route): Promise<void> {
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
    this.options.changed();
  }

  /** The shareable link of a joined group room; '' for a DM, which has none. */
  linkOf(roomId: string): string {
    const record = this.options.joined.find(roomId);
    if (record?.kind === 'dm' || isDirectRoomId(roomId)) return '';
    return roomLink(this.options.router.origin, roomId, record?.password);
  }
}
