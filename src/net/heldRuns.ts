// In a room every peer passes on what it receives (y-webrtc floods, and anti-entropy answers
// overlap with updates still on their way), so most updates reach a tab several times over:
// in a room of four, each update three times. Yjs decodes a copy it holds already as fully as
// a new one, every value of every entry, before it finds out; that decoding is most of what a
// burst costs a receiver. Here the runs of structs the document holds already are cut out of
// an update by their clocks alone (read by rootScan.ts without building any content), so a
// copy costs a structural scan instead of a decode.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { UpdateLayout } from './rootScan';

/**
 * `update` without the client runs whose every clock `doc` holds already (they would change
 * nothing), its delete set kept as it is; the same array when there is none. A run whose
 * length is not known from its structure (one with text content) is always kept.
 */
export function withoutHeld(update: Uint8Array, layout: UpdateLayout, doc: Y.Doc): Uint8Array {
  const kept = layout.runs.filter(
    (run) => !(run.end <= Y.getState(doc.store, run.client)), // NaN ends are kept
  );
  if (kept.length === layout.runs.length) return update;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const run of kept) encoding.writeUint8Array(encoder, update.subarray(run.from, run.to));
  encoding.writeUint8Array(encoder, update.subarray(layout.dsFrom));
  return encoding.toUint8Array(encoder);
}
