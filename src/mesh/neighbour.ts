/** What Dissemination keeps per neighbour: its link's role in the tree and what waits for it. */
export interface Neighbour {
  eager: boolean;
  batch: Uint8Array[];
  batchHops: number;
  /** When the current batch window began, and the frames sent in it. */
  lastSend: number;
  cancelFlush: (() => void) | undefined;
  /** Ids waiting for the next lazy push: client -> highest clock. */
  ihave: Map<number, number>;
  /** A batch was withheld because the link was full: resync once it drains. */
  behind: boolean;
  /**
   * A prune went to it and no graft has crossed the link since: pushes still arriving were
   * sent before the prune got there, and need no prune of their own (each is a native send).
   */
  pruned: boolean;
}

/** A neighbour just linked, with nothing sent or waiting. */
export function newNeighbour(eager: boolean): Neighbour {
  return {
    eager,
    batch: [],
    batchHops: 0,
    lastSend: -Infinity,
    cancelFlush: undefined,
    ihave: new Map(),
    behind: false,
    pruned: false,
  };
}
