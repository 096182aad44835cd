// Nothing else bounds how large peers can make a room's document: the per-author quota bounds
// what the log holds, not what Yjs keeps, and a member can write as many authors' worth as it
// likes. A room stops taking peers' updates once its document reaches a ceiling.
import type * as Y from 'yjs';
import type { UpdateFilter } from './rootFilter';
import { forgetPendingOver } from './yInternals';

/**
 * The default ceiling: 256 MiB of updates, ten times the largest room measured (a 100,000-
 * message room's whole state is 27,069,798 bytes) and more than twice what two authors at the
 * per-author quota (200,000 entries each) would write.
 */
export const DEFAULT_DOCUMENT_CEILING = 256 * 1024 * 1024;

/**
 * Most bytes of peers' updates kept waiting for missing dependencies (Yjs's pending structs
 * and deletions, which the ceiling does not count since they are not integrated): the 64 MiB
 * of one data-channel message. Past it they are forgotten, to come again with what they need.
 */
export const DEFAULT_MAX_PENDING = 64 * 1024 * 1024;

/**
 * Counts the bytes of every update a room's document integrates (the stored state as it
 * loads, this tab's writes, peers' updates after filtering: Yjs reports only what is new, so
 * copies of one update from several peers count once) and refuses peers' updates once that
 * total reached `limit`. The update that crosses it is still applied (its size before it is
 * applied says nothing of how much of it is new), so a document ends at most one data-channel
 * message (64 MiB) past the ceiling. From then on `full` holds for the rest of the session:
 * what the document holds stays, this tab still writes, and peers' updates are refused before
 * they are decoded. The count overstates the document a little (deleted text still counts),
 * never understates it.
 */
export class DocumentCeiling {
  /** Bytes of the updates the document integrated so far. */
  bytes = 0;
  /** The document reached the ceiling: peers' updates are refused. */
  full = false;
  private readonly count = (update: Uint8Array): void => {
    this.bytes += update.byteLength;
    if (this.bytes >= this.limit) this.full = true;
  };

  /** How often pending structs were forgotten for passing `maxPending`. */
  pendingForgotten = 0;

  constructor(
    private readonly doc: Y.Doc,
    readonly limit: number = DEFAULT_DOCUMENT_CEILING,
    readonly maxPending: number = DEFAULT_MAX_PENDING,
  ) {
    doc.on('update', this.count);
  }

  /** The ceiling, then `inner` (the room's other checks). */
  wrap(inner: UpdateFilter): UpdateFilter {
    return (update) => {
      // What the previous update left waiting, before this one adds to it.
      if (forgetPendingOver(this.doc, this.maxPending)) this.pendingForgotten += 1;
      return this.full ? undefined : inner(update);
    };
  }

  destroy(): void {
    this.doc.off('update', this.count);
  }
}
