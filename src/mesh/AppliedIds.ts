import * as Y from 'yjs';
import type { UpdateNews } from './updateNews';

type UpdateMeta = UpdateNews['meta'];

/**
 * Applies a neighbour's update and keeps the ids read from it on arrival (newsOf) while it is
 * applied, so that relaying it (Dissemination.spread, in the doc's update event) does not
 * parse them again from the update Yjs encodes of the transaction: in a burst of 10,000
 * messages to three receivers that second parse was a tenth of a receiver's CPU.
 */
export class AppliedIds {
  private applying: { readonly origin: unknown; readonly meta: UpdateMeta } | undefined;

  constructor(private readonly doc: Y.Doc) {}

  /** Applies `update`; `news`, when it was read from these very bytes. */
  apply(update: Uint8Array, origin: object, news: UpdateNews | undefined): void {
    // All of it new and nothing waiting for missing ids: the transaction will hold exactly
    // the update's ids, unless some of it has to wait (checked in of()).
    if (news && news.stale === 0 && this.doc.store.pendingStructs === null) {
      this.applying = { origin, meta: news.meta };
    }
    try {
      Y.applyUpdate(this.doc, update, origin);
    } finally {
      this.applying = undefined;
    }
  }

  /**
   * The ids of the update being applied from `origin`, if its transaction integrated all of
   * them and nothing else (no structs left waiting, none released); undefined otherwise.
   */
  of(origin: unknown): UpdateMeta | undefined {
    const applying = this.applying;
    if (!applying || applying.origin !== origin || this.doc.store.pendingStructs !== null) {
      return undefined;
    }
    for (const [client, to] of applying.meta.to) {
      if (Y.getState(this.doc.store, client) < to) return undefined;
    }
    return applying.meta;
  }
}
