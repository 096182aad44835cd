import type { SignedEntry } from '../log/schema';
import type { SealedSegment } from '../log/Segment';
import { DestroyedError } from './errors';

/** What is known of a stored segment without reading its bytes. */
export type SegmentInfo = Omit<SealedSegment, 'bytes'>;

/**
 * Where a room's sealed history segments (src/log/Segment.ts) are kept. Segments are
 * immutable and named by their hash, so putting one twice is harmless. Callers put only
 * segments they opened (verified); a reader opens what it gets back again, hash included.
 */
export interface SegmentStore {
  /**
   * Keeps a verified segment of `roomId`, and beside it, where given, its kind entries
   * (edits, deletions, reactions, names: what a tab that does not read the segment still
   * needs in memory). `packed`, where given, is the segment compressed (deflate-raw, as it
   * travels): kept in place of its bytes, a tenth of their size, and inflated when read.
   */
  put(
    roomId: string,
    segment: SealedSegment,
    kinds?: readonly SignedEntry[],
    packed?: Uint8Array,
  ): Promise<void>;
  /**
   * The kind entries kept beside the segments `ids` of `roomId`, as stored: plain values the
   * caller checks (segments kept without any give none).
   */
  kinds(roomId: string, ids: Iterable<string>): Promise<unknown[]>;
  /** The bytes of one segment, if held (inflated, if it was kept compressed). */
  get(roomId: string, id: string): Promise<Uint8Array | undefined>;
  /** The compressed form one segment was kept in, if it was (to serve it as it travels). */
  packed(roomId: string, id: string): Promise<Uint8Array | undefined>;
  /** The ids of the segments held for `roomId`, without reading any segment. */
  ids(roomId: string): Promise<Set<string>>;
  /** Every segment held for `roomId`, oldest first (by their first entry's converged order). */
  list(roomId: string): Promise<SegmentInfo[]>;
  /**
   * Records edits (the new text) and deletions (undefined) of sealed messages of `roomId`:
   * a segment is immutable, so whoever reads messages from it applies these. A deletion is
   * final: a later edit of the same message is ignored.
   */
  amend(roomId: string, changes: readonly SealedAmendment[]): Promise<void>;
  /** The edits and deletions recorded for `roomId`, by message id (undefined: deleted). */
  amendments(roomId: string): Promise<Map<string, string | undefined>>;
  /** Forgets a room's segments and their amendments. */
  deleteRoom(roomId: string): Promise<void>;
  close(): void;
}

/** A message's id and its new text, or undefined when its author deleted it. */
export type SealedAmendment = readonly [id: string, text: string | undefined];

/** Applies `change` to a room's amendments: a deletion stays a deletion. */
export function amendInto(
  amendments: Map<string, string | undefined>,
  [id, text]: SealedAmendment,
): void {
  if (amendments.has(id) && amendments.get(id) === undefined) return;
  amendments.set(id, text);
}

/** The converged order of segments: by their first entries. */
export function compareSegments(a: SegmentInfo, b: SegmentInfo): number {
  return (
    a.first.clock - b.first.clock ||
    (a.first.id < b.first.id ? -1 : a.first.id > b.first.id ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Segments in memory: the fake beside IdbSegmentStore, and the store without IndexedDB. */
export class MemorySegmentStore implements SegmentStore {
  private readonly rooms = new Map<string, Map<string, SealedSegment>>();
  private readonly kindsOf = new Map<string, readonly SignedEntry[]>();
  private readonly packedOf = new Map<string, Uint8Array>();
  private readonly amended = new Map<string, Map<string, string | undefined>>();
  private closed = false;

  put(
    roomId: string,
    segment: SealedSegment,
    kinds?: readonly SignedEntry[],
    packed?: Uint8Array,
  ): Promise<void> {
    return this.run('put', () => {
      let room = this.rooms.get(roomId);
      if (!room) this.rooms.set(roomId, (room = new Map<string, SealedSegment>()));
      room.set(segment.id, segment);
      if (kinds && kinds.length > 0) this.kindsOf.set(kindsKey(roomId, segment.id), [...kinds]);
      if (packed) this.packedOf.set(kindsKey(roomId, segment.id), packed);
    });
  }

  packed(roomId: string, id: string): Promise<Uint8Array | undefined> {
    return this.run('packed', () =>
      this.rooms.get(roomId)?.has(id) ? this.packedOf.get(kindsKey(roomId, id)) : undefined,
    );
  }

  kinds(roomId: string, ids: Iterable<string>): Promise<unknown[]> {
    return this.run('kinds', () =>
      [...ids].flatMap((id) =>
        this.rooms.get(roomId)?.has(id) ? [...(this.kindsOf.get(kindsKey(roomId, id)) ?? [])] : [],
      ),
    );
  }

  get(roomId: string, id: string): Promise<Uint8Array | undefined> {
    return this.run('get', () => this.rooms.get(roomId)?.get(id)?.bytes);
  }

  ids(roomId: string): Promise<Set<string>> {
    return this.run('ids', () => new Set(this.rooms.get(roomId)?.keys()));
  }

  list(roomId: string): Promise<SegmentInfo[]> {
    return this.run('list', () =>
      [...(this.rooms.get(roomId)?.values() ?? [])].map(infoOf).sort(compareSegments),
    );
  }

  amend(roomId: string, changes: readonly SealedAmendment[]): Promise<void> {
    return this.run('amend', () => {
      let room = this.amended.get(roomId);
      if (!room) this.amended.set(roomId, (room = new Map<string, string | undefined>()));
      for (const change of changes) amendInto(room, change);
    });
  }

  amendments(roomId: string): Promise<Map<string, string | undefined>> {
    return this.run('amendments', () => new Map(this.amended.get(roomId)));
  }

  deleteRoom(roomId: string): Promise<void> {
    return this.run('deleteRoom', () => {
      this.amended.delete(roomId);
      for (const id of this.rooms.get(roomId)?.keys() ?? []) {
        this.kindsOf.delete(kindsKey(roomId, id));
        this.packedOf.delete(kindsKey(roomId, id));
      }
      this.rooms.delete(roomId);
    });
  }

  close(): void {
    this.closed = true;
  }

  /** Runs `body` as the IndexedDB twin would answer: asynchronously, rejecting once closed. */
  private run<T>(operation: string, body: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new DestroyedError(`MemorySegmentStore.${operation}`));
    return Promise.resolve(body());
  }
}

function kindsKey(roomId: string, id: string): string {
  return JSON.stringify([roomId, id]);
}

/** A segment's info: everything but its bytes. */
export function infoOf(segment: SegmentInfo): SegmentInfo {
  return { id: segment.id, first: segment.first, last: segment.last, count: segment.count };
}
