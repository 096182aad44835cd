// The lines a room's message log shows (ChatLine: messages, notices, runs of joins and
// leaves) and the log entries they are made from (TranscriptEntry). Transcript builds them.

/** A log entry as the transcript needs it (YjsEventLog's SignedEntry has these fields). */
export interface TranscriptEntry {
  readonly id: string;
  readonly userId: string;
  readonly message: string;
  readonly unixTime: number;
  /** The log's order key (a hybrid logical clock close to ms wall time). */
  readonly clock: number;
  /** Shown from storage without a signature this device holds (see StoredHistory.merge). */
  readonly unverified?: boolean;
}

/** A message: its author is the verified userId, never a name claimed inside the text. */
export interface MessageLine {
  readonly kind: 'message';
  readonly id: string;
  readonly userId: string;
  readonly text: string;
  /** When the author wrote it, ms since the epoch. */
  readonly time: number;
  readonly own: boolean;
  /** False while no peer is known to have received this tab's message. */
  readonly delivered: boolean;
  /**
   * False for a message this device holds no verified signature for (imported from a file):
   * its author is a claim, and the view says so.
   */
  readonly verified: boolean;
  /** Changed by its author after it was sent (the text is the latest edit). */
  readonly edited?: boolean;
  /** Withdrawn by its author: the text is empty and the view says "message deleted". */
  readonly deleted?: boolean;
  /** The reactions standing on it, in the order they were first given. */
  readonly reactions?: readonly LineReaction[];
  /** The message this one answers (its author linked it: src/log/responses.ts). */
  readonly replyTo?: ReplyQuote;
  /** The file its author attached (src/log/attachments.ts); its text is the file's name. */
  readonly file?: LineFile;
}

/** A file a message carries: the bytes are fetched from peers by their SHA-256 (src/files). */
export interface LineFile {
  readonly hash: string;
  readonly name: string;
  /** The MIME type the sender's browser gave ('' for none): a claim, checked before use. */
  readonly type: string;
  readonly size: number;
  /** base64url of a small JPEG, PNG or WebP preview; '' for none. */
  readonly thumb: string;
}

/** One emoji on a message: who gave it, and whether this user is among them. */
export interface LineReaction {
  readonly emoji: string;
  readonly users: readonly string[];
  readonly mine: boolean;
}

/** The start of the message a reply answers. */
export interface ReplyQuote {
  readonly id: string;
  readonly userId: string;
  /** Its text, on one line and cut short; empty when it was deleted. */
  readonly text: string;
  readonly deleted: boolean;
}

/** "X has joined the chat", "X has left the chat", "the chat has ended". */
export interface NoticeLine {
  readonly kind: 'joined' | 'left' | 'ended';
  readonly id: string;
  readonly userId?: string;
  readonly time: number;
}

/** A run of joins and leaves with no message between: "Ann, Ben and 2 others joined". */
export interface MembersLine {
  readonly kind: 'members';
  /** The first notice's id (stable while the run grows). */
  readonly id: string;
  readonly time: number;
  /** Who joined and who left, in order, each once. */
  readonly joined: readonly string[];
  readonly left: readonly string[];
}

export type ChatLine = MessageLine | NoticeLine | MembersLine;
