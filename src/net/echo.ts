// y-webrtc sends every update the document integrates to every connection, the one it came
// from included: a peer gets back each update it sent, and a newcomer sends a room's whole
// state (27 MB for 100,000 messages, compressed on the way) back to the peer that just gave it.
// The echo is recognised while the peer's message is being applied: an outgoing update whose
// every struct lies in the clock ranges that message carried, with no deletions of its own,
// holds nothing the peer lacks and is not sent to it. Anything else goes out as before (an
// update that also carries structs from others, freed from waiting by this one, for example).
import * as decoding from 'lib0/decoding';
import { scanUpdate, type UpdateLayout } from './rootScan';

/** y-webrtc's message type of a sync message, and y-protocols' sync message types. */
const MESSAGE_SYNC = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

/** The update a y-webrtc sync message carries (step 2 or update), if it carries one. */
function updateOf(message: Uint8Array, types: readonly number[]): Uint8Array | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return undefined;
    if (!types.includes(decoding.readVarUint(decoder))) return undefined;
    return decoding.readVarUint8Array(decoder);
  } catch {
    return undefined;
  }
}

/** Whether the delete set starting at `dsFrom` of `update` is empty (no clients). */
function noDeletions(update: Uint8Array, layout: UpdateLayout): boolean {
  return layout.dsFrom < update.byteLength && update[layout.dsFrom] === 0;
}

/**
 * For the message from a peer being applied now (`incoming`): whether an `outgoing` y-webrtc
 * message to that same peer is a sync update made only of structs `incoming` carried, an echo.
 * The incoming message is read once, on the first question.
 */
export function echoCheck(incoming: Uint8Array): (outgoing: Uint8Array) => boolean {
  let held: UpdateLayout | null | undefined;
  return (outgoing) => {
    const update = updateOf(outgoing, [SYNC_UPDATE]);
    const out = update && scanUpdate(update);
    if (!update || !out || !noDeletions(update, out)) return false;
    if (held === undefined) {
      const carried = updateOf(incoming, [SYNC_STEP_2, SYNC_UPDATE]);
      held = (carried && scanUpdate(carried)) ?? null;
    }
    const from = held;
    return (
      from !== null &&
      out.runs.every((run) =>
        from.runs.some((h) => h.client === run.client && h.clock <= run.clock && run.end <= h.end),
      )
    );
  };
}
