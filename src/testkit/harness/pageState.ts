// What the harness page holds between calls: the room it opened and what arrived in it.
import type { RoomSession } from '../../compose/RoomSession';
import type { ChatEvent } from '../../hub/events';
import type { Identity } from '../../identity/Identity';
import type { ChatStorage } from '../../storage/ChatStorage';
import type { HistoryCursor, StoredEvent } from '../../storage/EventStore';
import type { HostilePeer } from '../adversary/HostilePeer';

/** One object rather than module variables, so that every file of the page's calls sees them. */
export const state: {
  session?: RoomSession;
  signer?: Identity;
  hostile?: HostilePeer;
  storage?: ChatStorage;
  firstPeerAt?: number;
} = {};
export const events: ChatEvent[] = [];

/** A clock both contexts of one browser share: high resolution, same origin of time. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/** Arrival time of each message event, by message text (for the latency benchmark). */
export const arrivals = new Map<string, number>();

export async function pump(stream: RoomSession['stream']): Promise<void> {
  for (;;) {
    const batch = await stream.nextBatch();
    if (!batch) return;
    const at = wallClock();
    for (const event of batch) if (event.type === 'message') arrivals.set(event.message ?? '', at);
    events.push(...batch);
  }
}

/** The room's whole stored history, as the room view pages it (sealed history included). */
export async function storedHistory(): Promise<StoredEvent[]> {
  if (!state.storage || !state.session) return [];
  const pages: (readonly StoredEvent[])[] = [];
  let before: HistoryCursor | undefined;
  do {
    const page = await state.storage.page(state.session.roomId, 10_000, before);
    pages.push(page.events);
    before = page.older;
  } while (before);
  return pages.flat();
}
