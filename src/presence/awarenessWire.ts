// The y-protocols awareness update format, read with bounds: a count, then for each client its
// id, its clock and its state as a JSON string ("null" for a removal).
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One client's entry of an awareness update, its state still unparsed. */
export interface WireEntry {
  readonly clientId: number;
  readonly clock: number;
  readonly json: string;
}

/** What decoding an update found. */
export interface DecodedUpdate {
  readonly entries: WireEntry[];
  /** Entries past `maxEntries`, left unread. */
  readonly skipped: number;
}

/**
 * Decodes at most `maxEntries` entries of an awareness update; undefined when it is not one
 * (truncated, or a count, id or clock that is not a varint).
 */
export function decodeAwarenessUpdate(
  update: Uint8Array,
  maxEntries: number,
): DecodedUpdate | undefined {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const entries: WireEntry[] = [];
    const readable = Math.min(count, maxEntries);
    for (let i = 0; i < readable; i += 1) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      entries.push({ clientId, clock, json });
    }
    return { entries, skipped: count - readable };
  } catch {
    return undefined;
  }
}

/** Encodes entries as one awareness update. */
export function encodeAwarenessUpdate(
  entries: readonly { clientId: number; clock: number; json: string }[],
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encoding.toUint8Array(encoder);
}
