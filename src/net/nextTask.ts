/**
 * Resolves in a later task of the event loop, so that what arrived meanwhile (data-channel
 * frames, a worker's replies, timers) is handled before the caller goes on. A message port,
 * not setTimeout: browsers hold nested timers back to 4 ms each.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(undefined);
  });
}

/**
 * Tells long work when to let the event loop run: `due()` is true once `sliceMs` have passed
 * since the last `nextTask()` taken through it.
 */
export class TaskSlicer {
  private since = performance.now();

  constructor(private readonly sliceMs: number) {}

  due(): boolean {
    return performance.now() - this.since >= this.sliceMs;
  }

  async yield(): Promise<void> {
    await nextTask();
    this.since = performance.now();
  }
}
