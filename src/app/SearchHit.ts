// What device search returns (SearchHit) and what its index takes (SearchableMessage).

/** One message found. */
export interface SearchHit {
  readonly roomId: string;
  readonly id: string;
  readonly userId: string;
  readonly text: string;
  /** When it was written, ms since the epoch. */
  readonly time: number;
}

/** A message as the index takes it (a stored chat event, or a log entry as it arrives). */
export interface SearchableMessage {
  readonly id: string;
  readonly userId: string;
  readonly message: string;
  readonly unixTime: number;
}
