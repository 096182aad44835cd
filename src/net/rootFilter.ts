// A room's document has three roots (docs/LOG_SCHEMA.md); the log reads nothing else. Yjs would
// still integrate, keep and store whatever other root a modified client writes
// (doc.getArray('junk') with megabytes in it). Remote updates pass through keepRoots before
// they are applied: an item written directly under another root becomes a GC struct, a
// placeholder that holds only its id and length, so its content is neither kept nor stored.
//
// Why a placeholder and not a gap: the item's clocks stay accounted for, so the sender's later
// items (honest ones too: a member may write junk and messages alike) still integrate instead
// of waiting forever for a missing clock, and anti-entropy does not ask for it again. Items
// that hang off a dropped one (inserted next to it, or inside it when it was a type) become GC
// structs when Yjs integrates them, as for any item whose neighbour or parent was collected:
// they neither wait in the pending structs nor keep their content, in this update or later.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { withoutHeld } from './heldRuns';
import { onlyRoots, scanUpdate } from './rootScan';

/** What the app does with one remote update: the update to apply, or undefined to refuse it. */
export type UpdateFilter = (update: Uint8Array) => Uint8Array | undefined;

/** A struct as Y.decodeUpdate yields it: an Item, a GC, or a Skip (a gap in the update). */
interface DecodedStruct {
  readonly id: Y.ID;
  readonly length: number;
  write(encoder: Y.UpdateEncoderV1, offset: number): void;
}

/**
 * `update` (Yjs format v1) with every item whose parent is a root outside `roots` replaced by a
 * GC struct of the same id and length; the same array when there is none. Throws on an update
 * that does not decode (Yjs would throw on applying it too).
 */
export function keepRoots(update: Uint8Array, roots: ReadonlySet<string>): Uint8Array {
  // The common case, read without building any content.
  if (onlyRoots(update, roots)) return update;
  const { structs, ds } = Y.decodeUpdate(update) as {
    structs: DecodedStruct[];
    ds: { clients: Map<number, { clock: number; len: number }[]> };
  };
  let dropped = 0;
  const kept: DecodedStruct[] = [];
  for (const struct of structs) {
    // An item whose origin or right origin is set carries no parent: Yjs takes it from there.
    const parent = struct instanceof Y.Item ? (struct.parent as unknown) : null;
    if (typeof parent !== 'string' || roots.has(parent)) {
      kept.push(struct);
    } else {
      dropped += 1;
      kept.push(new Y.GC(struct.id, struct.length));
    }
  }
  return dropped > 0 ? encodeUpdate(kept, ds.clients) : update;
}

/**
 * What a room does with a peer's update: runs of structs `doc` holds already are left out
 * (heldRuns.ts), and items under roots outside `roots` become placeholders (keepRoots). One
 * structural scan serves both; an update it cannot read takes the full decode.
 */
export function remoteUpdateFilter(doc: Y.Doc, roots: ReadonlySet<string>): UpdateFilter {
  return (update) => {
    const layout = scanUpdate(update, roots);
    if (!layout) return keepRoots(update, roots);
    const fresh = withoutHeld(update, layout, doc);
    return layout.otherRoot ? keepRoots(fresh, roots) : fresh;
  };
}

/** Writes structs (in the order decoded, runs of one client each) and a delete set as v1. */
function encodeUpdate(
  structs: readonly DecodedStruct[],
  deletes: Map<number, { clock: number; len: number }[]>,
): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const runs: DecodedStruct[][] = [];
  for (const struct of structs) {
    const last = runs.at(-1);
    if (last && last[0]?.id.client === struct.id.client) last.push(struct);
    else runs.push([struct]);
  }
  const rest = encoder.restEncoder;
  encoding.writeVarUint(rest, runs.length);
  for (const run of runs) {
    const first = run[0] as DecodedStruct;
    encoding.writeVarUint(rest, run.length);
    encoder.writeClient(first.id.client);
    encoding.writeVarUint(rest, first.id.clock);
    for (const struct of run) struct.write(encoder, 0);
  }
  encoding.writeVarUint(rest, deletes.size);
  for (const [client, ranges] of deletes) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(rest, client);
    encoding.writeVarUint(rest, ranges.length);
    for (const range of ranges) {
      encoder.writeDsClock(range.clock);
      encoder.writeDsLen(range.len);
    }
  }
  return encoder.toUint8Array();
}
