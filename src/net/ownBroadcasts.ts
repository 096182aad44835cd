// y-webrtc links the tabs of a browser over a BroadcastChannel (lib0/broadcastchannel), and
// lib0 delivers every message to the subscribers of the sending tab as well. y-webrtc does not
// tell its own messages from others' there, so each room reads back everything it sends: on
// connecting, its whole state (sync step 2), which in a room of 100,000 messages is 20 MB
// decoded again for nothing (half a second of a blocked page), and every update after.
import * as bc from 'lib0/broadcastchannel';
import type { WebrtcProvider } from 'y-webrtc';
import { providerRoom, type ProviderRoom } from './yInternals';

/**
 * Makes `provider`'s room ignore the BroadcastChannel messages it published itself, and post
 * updates there only while another tab listens (see publishOnlyToKnownTabs). The room
 * publishes only inside its mutex (y-webrtc's broadcastBcMessage) and lib0 calls the sending
 * tab's subscribers synchronously, so a message that arrives while the room's own mutex is
 * held is its own; messages of other tabs, and of other providers of the room in this tab,
 * arrive with the mutex free. Call it right after constructing the provider: the room is made
 * and connected when the provider's key settles, and its first messages are sent after that.
 * A message the room cannot read (a tab of the room with another password) goes to
 * `unreadable`, where y-webrtc would leave an uncaught error.
 */
export function limitTabBroadcasts(
  provider: WebrtcProvider,
  unreadable: () => void = () => undefined,
): void {
  void provider.key.then(() => {
    const room = providerRoom(provider);
    if (!room) return;
    const original = room._bcSubscriber;
    const filtered = (data: ArrayBuffer): unknown => {
      // The mutex runs this at once if it is free, and not at all if the room holds it.
      let free = false;
      room.mux(() => {
        free = true;
      });
      if (!(free as boolean)) return undefined;
      try {
        return Promise.resolve(original(data)).catch(unreadable);
      } catch {
        unreadable(); // too damaged to even parse
        return undefined;
      }
    };
    room._bcSubscriber = filtered;
    // Connected already (the usual case): swap the subscription itself, the new one first (lib0
    // closes a channel whose last subscriber leaves).
    if (room.bcconnected) {
      bc.subscribe(room.name, filtered);
      bc.unsubscribe(room.name, original);
    }
    publishOnlyToKnownTabs(room);
  });
}

/**
 * y-webrtc posts every doc and awareness update to the BroadcastChannel, and every update it
 * receives from a peer once more, whether or not another tab of the room is open: about 0.1 ms
 * per message on each side in the latency profile, with no tab to hear it. Updates now go to
 * the channel only while some other tab of the room has announced itself. A tab that opens
 * later loses nothing: it announces itself before it asks for the state (sync step 1), and
 * the answer (sync step 2, sent whatever this flag says) holds every update made until then.
 */
function publishOnlyToKnownTabs(room: ProviderRoom): void {
  let connected = room.bcconnected;
  Object.defineProperty(room, 'bcconnected', {
    configurable: true,
    get: () => connected && room.bcConns.size > 0,
    set: (value: boolean) => {
      connected = value;
    },
  });
}
