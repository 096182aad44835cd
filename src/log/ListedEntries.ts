import type { LogBatchInfo, LogEntry } from '../hub/ports';
import type { SignedEntry } from './schema';
import { SortedEntries, mergeSorted, type ConvergedKey } from './SortedEntries';

type EntryObserver = (entries: readonly LogEntry[], info: LogBatchInfo) => void;
type KindObserver = (entries: readonly SignedEntry[]) => void;

/**
 * The entries a log lists once verified, in converged order: chat messages apart from kind
 * entries (edits, deletions: entryKinds.ts), each with the observers told about them.
 */
export class ListedEntries {
  private readonly byId = new Map<string, SignedEntry>();
  private readonly sorted = new SortedEntries();
  private readonly kindEntries = new SortedEntries();
  private readonly observers = new Set<EntryObserver>();
  private readonly kindObservers = new Set<KindObserver>();

  /** Lists verified entries (sorted by compareSigned) and tells the observers. */
  add(accepted: readonly SignedEntry[], stored: boolean): void {
    for (const entry of accepted) this.byId.set(entry.id, entry);
    const kinds = accepted.filter((entry) => entry.kind !== undefined);
    const messages = kinds.length === 0 ? accepted : accepted.filter((e) => e.kind === undefined);
    if (kinds.length > 0) {
      this.kindEntries.insertSorted(kinds);
      for (const observer of [...this.kindObservers]) observer(kinds);
    }
    if (messages.length === 0) return;
    this.sorted.insertSorted(messages);
    for (const observer of [...this.observers]) observer(messages, { stored });
  }

  get(id: string): SignedEntry | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  observe(observer: EntryObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  observeKinds(observer: KindObserver): () => void {
    this.kindObservers.add(observer);
    return () => this.kindObservers.delete(observer);
  }

  /** The messages, oldest first. */
  messages(): readonly SignedEntry[] {
    return this.sorted.all();
  }

  /** The kind entries, oldest first. */
  kinds(): readonly SignedEntry[] {
    return this.kindEntries.all();
  }

  /** The newest `count` messages before position `end`, oldest first. */
  page(count: number, end?: number): readonly SignedEntry[] {
    return this.sorted.page(count, end);
  }

  /** Version 2 entries, messages and kinds, from `first` to `last` (both included). */
  between(first: ConvergedKey, last: ConvergedKey): readonly SignedEntry[] {
    const v2 = (entry: SignedEntry): boolean => entry.version === 2;
    return mergeSorted(
      this.sorted.between(first, last).filter(v2),
      this.kindEntries.between(first, last).filter(v2),
    );
  }

  /** Tells no observer any more. */
  clearObservers(): void {
    this.observers.clear();
    this.kindObservers.clear();
  }
}
