import { MemoryBus } from './MemoryBus';
import type { EventLogPort, LogBatchInfo, LogEntry } from './ports';

/** The converged order of the in-memory log: by unixTime, then id. */
export function compareEntries(a: LogEntry, b: LogEntry): number {
  return a.unixTime - b.unixTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * An in-memory EventLogPort: the fake for unit tests. Replicas made on one bus replicate to
 * each other (asynchronously, like a network); a replica without a bus is a standalone log.
 * Local appends are reported synchronously.
 */
export class MemoryEventLog implements EventLogPort {
  private readonly known = new Map<string, LogEntry>();
  private readonly observers = new Set<
    (entries: readonly LogEntry[], info: LogBatchInfo) => void
  >();
  private readonly replicaId: string;
  private sequence = 0;
  private destroyed = false;

  constructor(
    private readonly bus?: MemoryBus<LogEntry[]>,
    options: { replicaId?: string; now?: () => number } = {},
  ) {
    this.replicaId = options.replicaId ?? crypto.randomUUID();
    this.now = options.now ?? Date.now;
    bus?.join(this, (entries) => this.insert(entries));
  }

  private readonly now: () => number;

  /** Makes `count` replicas of one log that replicate to each other. */
  static connected(count: number): MemoryEventLog[] {
    const bus = new MemoryBus<LogEntry[]>();
    return Array.from({ length: count }, () => new MemoryEventLog(bus));
  }

  append(userId: string, message: string): string {
    if (this.destroyed) throw new Error('append: the log is destroyed');
    this.sequence += 1;
    const entry: LogEntry = {
      id: `${this.replicaId}-${this.sequence}`,
      userId,
      message,
      unixTime: this.now(),
    };
    this.insert([entry]);
    this.bus?.send(this, [entry]);
    return entry.id;
  }

  observe(observer: (entries: readonly LogEntry[], info: LogBatchInfo) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  entries(): readonly LogEntry[] {
    return [...this.known.values()].sort(compareEntries);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.bus?.leave(this);
    this.observers.clear();
  }

  private insert(entries: readonly LogEntry[]): void {
    const fresh = entries.filter((entry) => !this.known.has(entry.id));
    if (fresh.length === 0) return;
    for (const entry of fresh) this.known.set(entry.id, entry);
    fresh.sort(compareEntries);
    for (const observer of [...this.observers]) observer(fresh, { stored: false });
  }
}
