import type { FileLink, FileLinks } from '../files/FileLinks';

/** In-memory links between tabs, for the file suites (src/files/*.test.ts). */

type Listener = (link: FileLink, data: Uint8Array) => void;

/** Runs `run` in a later task, as a message over a real link arrives. */
export const later = (run: () => void): void => {
  setTimeout(run, 0);
};

/** One side's view of a room: its links, and the messages that arrive on them. */
export class Side implements FileLinks {
  readonly peers: FileLink[] = [];
  private readonly listeners = new Set<Listener>();
  links(): readonly FileLink[] {
    return this.peers;
  }
  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  deliver(link: FileLink, data: Uint8Array): void {
    for (const listener of this.listeners) listener(link, data);
  }
}

/** Connects `a` and `b` with an in-memory link each way (messages arrive in a later task). */
export function connect(a: Side, b: Side): void {
  const toB: FileLink = {
    bufferedAmount: 0,
    send: (data) => later(() => b.deliver(toA, data.slice())),
  };
  const toA: FileLink = {
    bufferedAmount: 0,
    send: (data) => later(() => a.deliver(toB, data.slice())),
  };
  a.peers.push(toB);
  b.peers.push(toA);
}
