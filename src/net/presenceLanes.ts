import * as bc from 'lib0/broadcastchannel';
import {
  SIDE_PRESENCE,
  tabSignalsChannel,
  type SignalIntake,
  type SignalRoute,
} from './awarenessIntake';
import type { ChunkedDataChannel } from './ChunkedDataChannel';

/** The sender of presence signals that came from the other tabs of this browser. */
export const TABS = Object.freeze({ tabs: true });

/**
 * Carries a room's presence signals: to the open channels (direct neighbours), tagged as side
 * messages, and over a BroadcastChannel to the other tabs of the room. Returns a function that
 * stops listening to the tabs.
 */
export function carryPresenceSignals(
  topic: string,
  signals: SignalIntake,
  openChannels: ReadonlySet<ChunkedDataChannel>,
  destroyed: () => boolean,
): () => void {
  const channelName = tabSignalsChannel(topic);
  const fromTabs = (data: unknown, origin: unknown): void => {
    // lib0 hands a tab its own publications too (origin null): only other tabs' count.
    if (origin !== 'broadcastchannel') return;
    if (data instanceof ArrayBuffer) signals.receiveSignals(new Uint8Array(data), TABS);
    else if (data instanceof Uint8Array) signals.receiveSignals(data, TABS);
  };
  bc.subscribe(channelName, fromTabs);
  signals.attachSignals({
    send: (frame: Uint8Array, to: SignalRoute) => {
      if (destroyed()) return;
      const tagged = new Uint8Array(frame.byteLength + 1);
      tagged[0] = SIDE_PRESENCE;
      tagged.set(frame, 1);
      for (const channel of openChannels) {
        if (to.except === channel || (to.only && to.only !== channel)) continue;
        try {
          channel.sendSide(tagged);
        } catch {
          // A channel closing meanwhile: the next beat goes over the links left.
        }
      }
      if (to.except !== TABS && (!to.only || to.only === TABS)) bc.publish(channelName, frame);
    },
  });
  return () => bc.unsubscribe(channelName, fromTabs);
}
