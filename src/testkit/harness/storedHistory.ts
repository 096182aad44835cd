// The harness's view of what the room keeps on this device (IndexedDB), and its sealing.
import { STORED_PAGE_SIZE } from '../../app/StoredHistory';
import { MAX_LEAD_MS } from '../../log/FutureHold';
import { ChatStorage } from '../../storage/ChatStorage';
import type { HistoryCursor } from '../../storage/EventStore';
import { state, storedHistory } from './pageState';

export const stored = {
  /** Events of this room held in IndexedDB. */
  async stored(): Promise<number> {
    return state.storage && state.session ? state.storage.events.count(state.session.roomId) : 0;
  },
  /** Messages of the room stored on this device, sealed history in kept segments included. */
  async storedMessages(): Promise<number> {
    return (await storedHistory()).filter((s) => s.event.type === 'message').length;
  },
  /** The room's stored messages, oldest first: id and text (none once deleted). */
  async storedList(): Promise<{ id: string; text: string | undefined }[]> {
    return (await storedHistory())
      .filter((s) => s.event.type === 'message')
      .map((s) => ({ id: s.event.id, text: s.event.message }));
  },
  /** Takes messages deleted by their author out of the stored history, as the room view does. */
  async redact(ids: string[]): Promise<void> {
    await state.session?.redact(ids);
  },
  /** Stored messages of the room without the signed mark (imported ones, or a defect). */
  async storedUnsigned(): Promise<number> {
    const all = await storedHistory();
    return all.filter((s) => s.event.type === 'message' && s.signed !== true).length;
  },
  /** Seals this tab checked, and entries its document holds (the rest are sealed). */
  sealed(): { checked: number; live: number } {
    return {
      checked: state.session?.seals.checkedCount ?? 0,
      live: state.session?.log.pages.size ?? 0,
    };
  },
  /**
   * Sends `count` messages `chunk` at a time, sealing what is due after each chunk, so that
   * the document never holds much more than a chunk (a room of a million messages written
   * as it would be over years). Resolves when all are written and sealed.
   */
  async burstSealed(count: number, prefix: string, chunk: number): Promise<void> {
    for (let sent = 0; state.session && sent < count; sent += chunk) {
      for (let i = sent; i < Math.min(count, sent + chunk); i += 1)
        state.session.send(`${prefix} ${i}`);
      await state.session.log.whenProcessed();
      // The room's own sealing may be running (sealDue then waits for it and seals nothing).
      for (let idle = 0; state.session.seals.overLimit() && idle < 100;) {
        if ((await state.session.seals.sealDue()) === undefined) idle += 1;
      }
      // The clock ticks once a message, so a burst runs it ahead of the wall clock, and an
      // entry more than MAX_LEAD_MS ahead is held back (FutureHold.ts): neither listed nor
      // sealed. Written as over years, the room lets the wall clock catch up between chunks.
      const newest = state.session.log.page(1)[0]?.clock ?? 0;
      const ahead = newest - Date.now() - MAX_LEAD_MS / 2;
      if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
    }
  },
  /**
   * Pages `roomId`'s stored history back from the newest message to the first, a page of
   * STORED_PAGE_SIZE at a time, as the room view reads it while its reader scrolls up: the
   * pages and messages read, the first message's text, and the time in all and per page.
   */
  async pageBack(roomId: string): Promise<{
    pages: number;
    messages: number;
    first: string | undefined;
    totalMs: number;
    slowestPageMs: number;
  }> {
    const storage = state.storage ?? (await ChatStorage.open());
    let before: HistoryCursor | undefined;
    let pages = 0;
    let messages = 0;
    let first: string | undefined;
    let slowestPageMs = 0;
    const start = performance.now();
    do {
      const at = performance.now();
      const page = await storage.page(roomId, STORED_PAGE_SIZE, before);
      slowestPageMs = Math.max(slowestPageMs, performance.now() - at);
      pages += 1;
      for (const { event } of page.events) {
        if (event.type !== 'message') continue;
        messages += 1;
      }
      first = page.events.find((s) => s.event.type === 'message')?.event.message ?? first;
      before = page.older;
    } while (before);
    return { pages, messages, first, totalMs: performance.now() - start, slowestPageMs };
  },
  /** Seals now what is due (as a sealing room does a few seconds after writing); how many. */
  async sealNow(): Promise<number> {
    let sealed = 0;
    while (state.session && (await state.session.seals.sealDue()) !== undefined) sealed += 1;
    return sealed;
  },
};
