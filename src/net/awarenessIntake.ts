// y-webrtc hands every awareness update it receives straight to y-protocols, which applies it
// to any client id with any clock. This reads y-webrtc's message type first (the first varint
// of each data-channel message: 0 sync, 1 awareness, 3 awareness query) and hands awareness
// updates to a gate instead, which applies what it trusts itself.
import * as decoding from 'lib0/decoding';

/** y-webrtc's message type of an awareness update. */
const MESSAGE_AWARENESS = 1;

/** Where awareness updates from peers go instead of y-webrtc (see AwarenessGate). */
export interface AwarenessIntake {
  receive(update: Uint8Array, sender: object): void;
}

/**
 * Takes `message` (one y-webrtc data-channel message from `sender`) to `intake` if it is an
 * awareness update; returns whether it did, so the caller keeps it from y-webrtc. A message
 * whose type or length does not decode is also kept from y-webrtc (it would throw there).
 */
export function takeAwareness(
  message: Uint8Array,
  sender: object,
  intake: AwarenessIntake,
): boolean {
  const decoder = decoding.createDecoder(message);
  let type: number;
  try {
    type = decoding.readVarUint(decoder);
  } catch {
    return true;
  }
  if (type !== MESSAGE_AWARENESS) return false;
  let update: Uint8Array;
  try {
    update = decoding.readVarUint8Array(decoder);
  } catch {
    return true;
  }
  intake.receive(update, sender);
  return true;
}

/** First byte of a side message that holds presence signals (beats, typing; see presence/). */
export const SIDE_PRESENCE = 3;

/** The name of the BroadcastChannel that carries a room's presence signals between tabs. */
export function tabSignalsChannel(topic: string): string {
  return `${topic}#presence`;
}

/** Where a frame of presence signals goes: `except` that sender, or `only` to it. */
export interface SignalRoute {
  readonly except?: object;
  readonly only?: object;
}

/** The presence signals of a room, as the network carries them (AwarenessPresence). */
export interface SignalIntake {
  attachSignals(links: { send(frame: Uint8Array, to: SignalRoute): void }): void;
  receiveSignals(frame: Uint8Array, sender: object): void;
}
