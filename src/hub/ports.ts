/**
 * The hub's two ports to the world. In-memory implementations ship beside them
 * (MemoryEventLog, MemoryPresence); the Yjs/y-webrtc log and the awareness presence implement
 * the same interfaces and run the same contract suites (`eventLogContract.ts`, `presenceContract.ts` beside this file).
 */

/** One entry of a room's replicated message log, as every peer holds it. */
export interface LogEntry {
  /** Stable across peers and storage. */
  readonly id: string;
  readonly userId: string;
  readonly message: string;
  /** Milliseconds since the Unix epoch, as claimed by the author. */
  readonly unixTime: number;
}

/** What the log says about a batch it reports. */
export interface LogBatchInfo {
  /**
   * The entries were already in this tab's storage (loaded, not newly arrived): history to
   * show, not news to announce.
   */
  readonly stored: boolean;
}

/**
 * A room's message log. Entries arrive from other peers at any time and in any order; each is
 * reported exactly once per port, in batches sorted in the log's converged order.
 */
export interface EventLogPort {
  /**
   * Appends a message by `userId` and returns the id it will carry. The entry is reported to
   * observers once it is in the log: at once for a plain log, later for one that signs first.
   */
  append(userId: string, message: string): string;
  /** Reports entries as they join the log, local and remote; returns an unsubscribe function. */
  observe(observer: (entries: readonly LogEntry[], info: LogBatchInfo) => void): () => void;
  /** Every entry held now, in converged order: the same on every peer once they have synced. */
  entries(): readonly LogEntry[];
  /** Stops observing and replicating; idempotent. */
  destroy(): void;
}

/** A (userId, sessionId) pair: one tab (or one hub session) of one user. */
export interface SessionKey {
  readonly userId: string;
  readonly sessionId: string;
}

/** What changed in the set of present sessions. */
export interface PresenceChange {
  readonly added: readonly SessionKey[];
  readonly removed: readonly SessionKey[];
}

/**
 * Who is present in a room: the local tab's own sessions and those of peers. A peer can vanish
 * without a goodbye; the port reports it removed once it has timed out.
 */
export interface PresencePort {
  /** Every session present now, the local ones included. */
  sessions(): readonly SessionKey[];
  /** Announces a local session; local observers are told before this returns. */
  enter(session: SessionKey): void;
  /** Withdraws a local session; local observers are told before this returns. */
  exit(session: SessionKey): void;
  /** Reports changes to the set; returns an unsubscribe function. */
  observe(observer: (change: PresenceChange) => void): () => void;
  /** Withdraws the local sessions and stops; idempotent. */
  destroy(): void;
}

/** A stable string key for a session pair. */
export function sessionKey(session: SessionKey): string {
  return JSON.stringify([session.userId, session.sessionId]);
}
