// How a YjsPersistence puts stored updates into a doc: all in one transaction, the unreadable
// ones skipped.
import * as Y from 'yjs';

/**
 * Applies updates one by one in one transaction (applying a big state directly is cheaper than
 * merging it with the rest first). An update Yjs cannot read is skipped; returns how many were.
 */
export function applyEach(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown): number {
  let skipped = 0;
  Y.transact(
    doc,
    () => {
      for (const update of updates) {
        try {
          Y.applyUpdate(doc, update, origin);
        } catch {
          skipped += 1;
        }
      }
    },
    origin,
  );
  return skipped;
}
