// What a room's view model shows (RoomSnapshot, with its Participants) and what it is given
// (RoomStateOptions): the values between RoomState and the elements that render a room.
import type { LogEntry } from '../hub/ports';
import type { RoomProfile } from '../log/responses';
import type { NameBook } from './NameBook';
import type { NetworkStatus } from './RoomSource';
import type { HistoryPages } from './StoredHistory';
import type { ChatLine } from './ChatLine';

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
