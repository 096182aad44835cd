// What a ChatApplication is given (its ports and limits), and the small values it hands the
// UI: the room list's items and a link's password question.
import type { DhKeys } from '../direct/DhKeys';
import type { SignatureVerifier, Signer } from '../log/signing';
import type { NameBook } from './NameBook';
import type { Notifier } from './Notifier';
import type { RoomDirectory, RoomRecord } from './RoomDirectory';
import type { RoomOpener } from './RoomSource';
import type { RoomHistory } from './StoredHistory';
import type { Navigation } from './Navigation';
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
