// What the mesh needs from the world: links to neighbours, a way to find peers, time and
// chance. The app passes adapters over y-webrtc and the browser's clock; the simulation passes
// a simulated network and virtual time, so both run the same mesh code.

/** One open connection to a neighbour. */
export interface MeshLink {
  /** The neighbour's peer id (y-webrtc's room peer id in the app). */
  readonly remote: string;
  /** Sends one mesh frame. Throws when the link is closed (the caller treats it as lost). */
  send(bytes: Uint8Array): void;
  /** Bytes queued on this link and not yet on the wire. */
  readonly bufferedAmount: number;
  /** Closes the link; the owner later reports it through MeshNode.linkClosed. */
  close(): void;
  /**
   * Per Yjs client, clock ranges already on their way to the neighbour over this link by
   * other means (the app's connection-time sync, sent in pieces): not to be sent again.
   */
  carried?(): ReadonlyMap<number, { readonly clock: number; readonly end: number }>;
}

/** How the mesh reaches peers it has no link to (the signaling server). */
export interface MeshDiscovery {
  /**
   * Tells some peers of the room that this one wants links. `explore`: it has enough, but
   * would take one more to keep the graph well mixed (and to join halves after a partition).
   */
  announce(explore: boolean, attempt: number): void;
  /** Starts a connection to `peer`; success shows up as MeshNode.linkOpened. */
  dial(peer: string): void;
}

/** Time and chance, injected so that a simulation can run in virtual time from a seed. */
export interface MeshEnv {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  timer(ms: number, fn: () => void): () => void;
  /** A float in [0, 1). */
  random(): number;
}

/** The environment of a browser tab or a Node process. */
export const realEnv: MeshEnv = {
  now: () => performance.now(),
  timer: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
  random: () => Math.random(),
};

/** Bytes a mesh node sent and received, by kind, for the benchmarks. */
export interface MeshTraffic {
  /** Yjs updates (pushed or answering a state vector). */
  payloadSent: number;
  payloadReceived: number;
  /** Everything else the mesh sends: ids, state vectors, prunes, pings, neighbour lists. */
  controlSent: number;
  controlReceived: number;
  presenceSent: number;
  presenceReceived: number;
}

/** Picks one element at random (the list must not be empty). */
export function pick<T>(env: MeshEnv, items: readonly T[]): T {
  return items[Math.floor(env.random() * items.length)] as T;
}
