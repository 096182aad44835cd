/**
 * Rooms of a tab apply their stored state one at a time (applying a large room blocks the page
 * for a second or more), each only once it is ready, e.g. its newest stored page is on screen.
 * A room takes its turn before it exists (its opener needs the promise to wait on) and says
 * when it is ready and when it has loaded once it does.
 */
export class LoadTurns {
  /** Settles when the room that took the last turn has loaded (or failed to). */
  private last: Promise<unknown> = Promise.resolve();

  take(): {
    /** Settles when the room may load: the previous one has loaded and this one is ready. */
    readonly start: Promise<void>;
    /** Says what the room waits for before it starts, and what settles when it has loaded. */
    begin(ready: Promise<unknown>, loaded: () => Promise<unknown> | undefined): void;
  } {
    let open: () => void = () => undefined;
    const start = new Promise<void>((resolve) => (open = resolve));
    let done: () => void = () => undefined;
    const previous = this.last;
    this.last = new Promise<void>((resolve) => (done = resolve));
    return {
      start,
      begin: (ready, loaded) => {
        void Promise.all([previous, ready])
          .then(() => {
            open();
            return loaded();
          })
          .catch(() => undefined)
          .then(done);
      },
    };
  }
}
