// y-webrtc links the tabs of a browser over a BroadcastChannel (lib0/broadcastchannel), and
// lib0 delivers every message to the subscribers of the sending tab as well. y-webrtc does not
// tell its own messages from others' there, so each room reads back everything it sends: on
// connecting, its whole state (sync step 2), which in a room of 100,000 messages is 20 MB
// decoded again for nothing (half a second of a blocked page), and every update after.
import * as bc from 'lib0/broadcastchannel';
import type { WebrtcProvider } from 'y-webrtc';

/** The parts of y-webrtc's Room (not in its typings) that this relies on. */
interface BroadcastingRoom {
  readonly name: string;
  bcconnected: boolean;
  /** y-webrtc's mutex: held while the room itself publishes to the channel. */
  readonly mux: (f: () => void, g?: () => void) => void;
  _bcSubscriber: (data: ArrayBuffer) => unknown;
}

/**
 * Makes `provider`'s room ignore the BroadcastChannel messages it published itself. The room
 * publishes only inside its mutex (y-webrtc's broadcastBcMessage) and lib0 calls the sending
 * tab's subscribers synchronously, so a message that arrives while the room's own mutex is
 * held is its own; messages of other tabs, and of other providers of the room in this tab,
 * arrive with the mutex free. Call it right after constructing the provider: the room is made
 * and connected when the provider's key settles, and its first messages are sent after that.
 */
export function ignoreOwnBroadcasts(provider: WebrtcProvider): void {
  void provider.key.then(() => {
    const room = provider.room as unknown as BroadcastingRoom | null;
    if (!room) return;
    const original = room._bcSubscriber;
    const filtered = (data: ArrayBuffer): unknown => {
      // The mutex runs this at once if it is free, and not at all if the room holds it.
      let free = false;
      room.mux(() => {
        free = true;
      });
      return (free as boolean) ? original(data) : undefined;
    };
    room._bcSubscriber = filtered;
    // Connected already (the usual case): swap the subscription itself, the new one first (lib0
    // closes a channel whose last subscriber leaves).
    if (!room.bcconnected) return;
    bc.subscribe(room.name, filtered);
    bc.unsubscribe(room.name, original);
  });
}
