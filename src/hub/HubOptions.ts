// What a Hub is made with, and what it reports: its options, its counters, its members.
import type { EventLogPort, PresencePort } from './ports';

export interface HubOptions {
  readonly chatroomId: string;
  readonly log: EventLogPort;
  readonly presence: PresencePort;
  /** How many events history() keeps (default 100). */
  readonly historySize?: number;
  /** Events a session may leave unread before the oldest are dropped (default 10,000). */
  readonly streamCapacity?: number;
  /** Events a listener may leave unhandled before the oldest are dropped (default 100,000). */
  readonly listenerCapacity?: number;
  /** Clock for presence and close events (default Date.now). */
  readonly now?: () => number;
  /** Told about every error a listener throws; the listener keeps receiving. */
  readonly onListenerError?: (error: unknown) => void;
}

/** Counters for monitoring; `dropped` counts events lost to overflowing consumers. */
export interface HubStats {
  readonly delivered: number;
  readonly dropped: number;
  readonly listenerErrors: number;
}

/** Who is present: each user once, with the sessions (tabs) they have open. */
export interface Member {
  readonly userId: string;
  readonly sessionIds: readonly string[];
}
