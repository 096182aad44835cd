// y-webrtc applies the document updates a peer sends (sync step 2 answers and single updates)
// straight to the room's document. This reads y-webrtc's message type and y-protocols' sync
// message type first and passes the update inside through the room's filter (rootFilter.ts)
// before y-webrtc sees it.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { UpdateFilter } from './rootFilter';

/** y-webrtc's message type of a sync message. */
const MESSAGE_SYNC = 0;
/** y-protocols' sync message types that carry an update (step 1 carries a state vector). */
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

/**
 * The data-channel message to hand to y-webrtc in place of `message`: the same array when it
 * carries no update or the filter keeps its update as it is, a rewritten message when the
 * filter changed the update, undefined when the filter refused it or it does not decode
 * (y-webrtc would throw on it).
 */
export function filterSyncMessage(
  message: Uint8Array,
  filter: UpdateFilter,
): Uint8Array | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return message;
    const type = decoding.readVarUint(decoder);
    if (type !== SYNC_STEP_2 && type !== SYNC_UPDATE) return message;
    const update = decoding.readVarUint8Array(decoder);
    const passed = filter(update);
    if (passed === update) return message;
    if (!passed) return undefined;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    encoding.writeVarUint(encoder, type);
    encoding.writeVarUint8Array(encoder, passed);
    return encoding.toUint8Array(encoder);
  } catch {
    return undefined;
  }
}
