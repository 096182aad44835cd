// When one room seals and fetches sealed history (src/log/Seals.ts): sealing looks a while
// after the first entry written since its last look, and again later while the room stays
// over its bound; sealed segments that peers made are fetched when seals or peers arrive; the
// stored CRDT state is rewritten once entries left the document.
import type * as Y from 'yjs';
import { SEALS_ROOT } from '../log/schema';
import type { EpochSeals } from '../log/Seals';
import type { YjsEventLog } from '../log/YjsEventLog';
import type { RoomNetwork } from '../net/RoomNetwork';
import type { YjsPersistence } from '../storage/YjsPersistence';

/** Sealing looks this long after the first entry written since it last looked. */
const SEAL_PAUSE_MS = 5000;
/** A room over its bound whose oldest entries are not settled yet is looked at again after this. */
const SEAL_RETRY_MS = 60_000;

/** The parts of a room its sealing watches and drives. */
export interface SealedRoom {
  readonly doc: Y.Doc;
  readonly log: YjsEventLog;
  readonly seals: EpochSeals;
  readonly network: RoomNetwork;
  readonly persistence: YjsPersistence | undefined;
  /** Settles once the stored state is in the doc. */
  readonly loaded: Promise<unknown>;
}

/** The timers and watches of one room's sealing; stop() with the room. */
export class SealSchedule {
  private readonly room: SealedRoom;
  private readonly destroyed: () => boolean;
  private sealTimer: ReturnType<typeof setTimeout> | undefined;
  private rewriteTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Counts the sealed history kept on this device once the stored state is in, fetches what
   * peers sealed that this tab lacks whenever seals or peers come, and (when this tab seals)
   * seals SEAL_PAUSE_MS after the first entry since its last look: a room that never stops
   * writing is sealed all the same, at most once per SEAL_PAUSE_MS.
   */
  constructor(room: SealedRoom, sealing: boolean, destroyed: () => boolean) {
    this.room = room;
    this.destroyed = destroyed;
    const fetchMissing = (): void => {
      if (!this.destroyed()) void this.room.seals.fetchMissing().catch(() => undefined);
    };
    // Segments kept here stay unread (their entries are in the stored history); only the
    // others are fetched.
    void this.room.loaded.then(fetchMissing, () => undefined);
    // Sealed entries' content leaves storage too, once the room has sealed (this tab or a peer).
    this.room.doc.getMap(SEALS_ROOT).observe(() => {
      fetchMissing();
      if (this.rewriteTimer !== undefined || this.destroyed()) return;
      this.rewriteTimer = setTimeout(() => {
        this.rewriteTimer = undefined;
        if (!this.destroyed()) void this.room.persistence?.rewrite();
      }, SEAL_PAUSE_MS);
    });
    this.room.network.onStatus((status) => {
      if (status.peers > 0) fetchMissing();
    });
    if (!sealing) return;
    this.room.log.observe(() => {
      if (this.sealTimer !== undefined || this.destroyed()) return;
      this.sealTimer = setTimeout(() => void this.sealWhileDue(), SEAL_PAUSE_MS);
    });
  }

  private async sealWhileDue(): Promise<void> {
    // Still over the bound afterwards: its oldest entries are not settled yet, or storage
    // failed (the entries then stay in the document). Tried again later, whether or not
    // anyone writes meanwhile.
    const again = await this.sealAll().then(
      () => this.room.seals.overLimit(),
      () => true,
    );
    this.sealTimer = undefined;
    if (again && !this.destroyed()) {
      this.sealTimer = setTimeout(() => void this.sealWhileDue(), SEAL_RETRY_MS);
    }
  }

  private async sealAll(): Promise<void> {
    await this.room.loaded;
    while (!this.destroyed() && (await this.room.seals.sealDue()) !== undefined);
  }

  /** Cancels the looks still to come (the room is closing). */
  stop(): void {
    clearTimeout(this.sealTimer);
    clearTimeout(this.rewriteTimer);
  }
}
