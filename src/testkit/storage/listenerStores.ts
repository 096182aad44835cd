import { Hub } from '../../hub/Hub';
import { MemoryEventLog } from '../../hub/MemoryEventLog';
import { MemoryPresence } from '../../hub/MemoryPresence';
import type { PutResult, StoredEvent } from '../../storage/EventStore';
import { IdbEventStore } from '../../storage/IdbEventStore';
import { MemoryEventStore } from '../../storage/MemoryEventStore';
import type { PersistentListener } from '../../storage/PersistentListener';
import { poll } from '../waitFor';

/** Hubs and slow stores for the PersistentListener suites (src/storage/PersistentListener*.test.ts). */
export const NAME = 'meshchat-test-listener';

/** Waits until the hub has handed `count` events to `listener` (its pump runs on promise turns). */
export function received(listener: PersistentListener, count: number): Promise<void> {
  return poll(() => listener.stats().received >= count, `the listener to receive ${count} events`, {
    everyMs: 0,
  });
}

export function newHub(chatroomId = 'room'): Hub {
  return new Hub({ chatroomId, log: new MemoryEventLog(), presence: new MemoryPresence() });
}

/** A store whose writes never finish: the slowest disk there is. */
export class HangingStore extends MemoryEventStore {
  puts = 0;
  override put(): Promise<PutResult> {
    this.puts += 1;
    return new Promise<PutResult>(() => undefined);
  }
}

/** The IndexedDB store behind a disk that holds every write until `open()`: a slow disk. */
export class GatedStore extends IdbEventStore {
  puts = 0;
  private release = (): void => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  open(): void {
    this.release();
  }
  override async put(events: readonly StoredEvent[]): Promise<PutResult> {
    this.puts += 1;
    await this.gate;
    return super.put(events);
  }
}
