// The part of a RoomSession that app state reads: RoomSession satisfies it as it is, and tests
// build one from the same real parts over an in-memory link (src/testkit/app/FakeRoom.ts).
import type { Awareness } from 'y-protocols/awareness';
import type { EventStream } from '../hub/EventStream';
import type { Hub } from '../hub/Hub';
import type { YjsEventLog } from '../log/YjsEventLog';
import type { DeliveryTracker } from '../net/DeliveryTracker';
import type { RoomNetwork } from '../net/RoomNetwork';
import type { AwarenessPresence } from '../presence/AwarenessPresence';

/** One open room of this tab, as the app uses it. */
export interface RoomSource {
  readonly roomId: string;
  readonly userId: string;
  readonly stream: EventStream;
  readonly log: Pick<YjsEventLog, 'entries' | 'observe' | 'page' | 'get'>;
  readonly presence: Pick<AwarenessPresence, 'states' | 'setField' | 'observe' | 'onStates'>;
  readonly awareness: Awareness;
  readonly network: Pick<RoomNetwork, 'status' | 'onStatus'>;
  readonly hub: Pick<Hub, 'participants'>;
  /** Which of this tab's messages some peer holds. */
  readonly delivery: Pick<DeliveryTracker, 'isDelivered' | 'onDelivered'>;
  /** Settles once the room's stored state is loaded (a fake may leave it out: loaded). */
  readonly loaded?: Promise<unknown>;
  send(text: string): string | undefined;
  /** Closes the room; what it returns settles once its pending writes are stored. */
  destroy(): void | Promise<void>;
}

/** What the app passes to open a room. */
export interface OpenRoomOptions {
  readonly roomId: string;
  readonly password?: string;
  readonly displayName: string;
  /** When the room may load its stored state (after its newest stored page is on screen). */
  readonly loadAfter?: Promise<unknown>;
}

/** Makes the RoomSource of a room (the real one builds a RoomSession). */
export type RoomOpener = (options: OpenRoomOptions) => RoomSource;
