export interface DisseminationOptions {
  /**
   * A link that sent a frame less than `quietMs` ago merges what follows over this window
   * (default 25 ms) and sends it as one update; a link quiet for longer sends at once, so a
   * quiet room adds no delay and a busy one sends few frames (each costs a native call).
   */
  readonly batchMs: number;
  /** How long a link must have sent nothing for the next update to go at once (default 2 ms). */
  readonly quietMs: number;
  /** Ids for lazy links are sent this often (default 40 ms). */
  readonly ihaveMs: number;
  /**
   * An id heard of but not received within this is fetched, and its link grafted (default
   * 150 ms: about two link latencies; in the simulated 1,000-peer room, 400 ms left 1% of
   * deliveries later than 1 s, and fewer duplicates did not come of waiting longer).
   */
  readonly graftMs: number;
  /** A state vector goes to one random neighbour this often (default 10 s; 0 turns it off). */
  readonly antiEntropyMs: number;
  /** Above this many queued bytes a link gets nothing more until it drains (default 1 MiB). */
  readonly highWaterBytes: number;
  /** Send state vectors when a link opens (the app leaves that to y-webrtc's own sync). */
  readonly syncOnOpen: boolean;
  /**
   * A new link starts eager only while fewer links than this are (default 3): a flood over
   * every link would send each peer degree - 1 copies until prunes thin it to a tree; over
   * three eager links per peer it sends about one, and ids (then grafts) cover the rest.
   */
  readonly eagerLinks: number;
  /** What every update from a neighbour passes through before it is applied (none: as is). */
  readonly filter?: (update: Uint8Array) => Uint8Array | undefined;
  /**
   * The neighbour whose message is being applied now, for updates that arrive outside the
   * mesh's own frames (y-webrtc's sync answers): those are never sent back to it.
   */
  readonly sender?: () => string | undefined;
}

export const DEFAULT_DISSEMINATION: DisseminationOptions = {
  batchMs: 25,
  quietMs: 2,
  ihaveMs: 40,
  graftMs: 150,
  antiEntropyMs: 10_000,
  highWaterBytes: 1024 * 1024,
  syncOnOpen: true,
  eagerLinks: 3,
};

/** Eager links a peer never prunes below. */
export const MIN_EAGER = 2;

/** Counts of what arrived, in Yjs clock units (one per chat message in the simulation). */
export interface DisseminationCounts {
  newUnits: number;
  /** Pushed (eager) copies of what was here already: the mesh's redundancy. */
  duplicateUnits: number;
  /** Copies in answers to state vectors and grafts (a newcomer's sync, anti-entropy). */
  syncDuplicateUnits: number;
  grafts: number;
  prunes: number;
  resyncs: number;
}
