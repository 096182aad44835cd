// A newcomer's sync answer is the room's whole state: 24 MB for 100,000 messages, one message
// that the sender compresses, the wire carries and the receiver inflates, filters and applies
// one after the other, each side idle while the other works. Cut into pieces of a few
// megabytes, each a valid update of its own, the sender compresses the next piece while the
// first is on the wire, and the receiver applies and verifies the first while the next arrives.
//
// A piece holds runs of structs in the order the update had them; a client's run is cut only at
// a struct whose clock is known (the scan does not count a string's length), so every piece
// says where its structs start. The delete set rides with the last piece. Pieces are sync
// updates, the last keeps the original message type: y-webrtc counts a peer as synced when a
// step 2 arrives, so that happens once everything has.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { skipStruct } from './rootScan';

/** y-webrtc's message type of a sync message, and y-protocols' sync message types. */
const MESSAGE_SYNC = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

/** Bytes of update in a piece (about): large enough that a piece's fixed costs stay small. */
export const SYNC_PIECE_BYTES = 2 * 1024 * 1024;

/** One client's structs in a piece: `count` structs from `clock`, bytes [from, to) of the update. */
interface SubRun {
  readonly client: number;
  readonly clock: number;
  readonly count: number;
  readonly from: number;
  readonly to: number;
}

/**
 * `update` (Yjs v1) as updates of about `pieceBytes` each that, applied in order, hold the
 * same as `update` applied at once; undefined when it does not come to more than one piece or
 * its structure is not one the scan reads (then it goes whole).
 */
export function splitUpdate(update: Uint8Array, pieceBytes: number): Uint8Array[] | undefined {
  return cutUpdate(update, pieceBytes)?.pieces;
}

/** Clocks [clock, end) of each client that pieces carry (end NaN: not known). */
type Covered = Map<number, { readonly clock: number; readonly end: number }>;

function cutUpdate(
  update: Uint8Array,
  pieceBytes: number,
): { pieces: Uint8Array[]; covered: Covered } | undefined {
  if (update.byteLength <= pieceBytes) return undefined;
  try {
    return cut(update, pieceBytes);
  } catch {
    return undefined;
  }
}

function cut(
  update: Uint8Array,
  pieceBytes: number,
): { pieces: Uint8Array[]; covered: Covered } | undefined {
  const covered: Covered = new Map();
  const d = decoding.createDecoder(update);
  const clients = decoding.readVarUint(d);
  const pieces: SubRun[][] = [];
  let piece: SubRun[] = [];
  let pieceSize = 0;
  for (let c = 0; c < clients; c += 1) {
    const structs = decoding.readVarUint(d);
    const client = decoding.readVarUint(d);
    let clock = decoding.readVarUint(d);
    const first = clock;
    let from = d.pos;
    let start = clock;
    let count = 0;
    for (let s = 0; s < structs; s += 1) {
      if (count > 0 && pieceSize + d.pos - from >= pieceBytes && Number.isFinite(clock)) {
        piece.push({ client, clock: start, count, from, to: d.pos });
        pieces.push(piece);
        piece = [];
        pieceSize = 0;
        from = d.pos;
        start = clock;
        count = 0;
      }
      clock += skipStruct(d);
      count += 1;
    }
    if (count > 0) {
      piece.push({ client, clock: start, count, from, to: d.pos });
      pieceSize += d.pos - from;
    }
    covered.set(client, { clock: first, end: clock });
  }
  if (piece.length > 0 || pieces.length === 0) pieces.push(piece);
  if (pieces.length < 2) return undefined;
  const deletes = update.subarray(d.pos);
  const last = pieces.length - 1;
  return {
    pieces: pieces.map((runs, i) => encodePiece(update, runs, i === last ? deletes : undefined)),
    covered,
  };
}

function encodePiece(
  update: Uint8Array,
  runs: readonly SubRun[],
  deletes: Uint8Array | undefined,
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, runs.length);
  for (const run of runs) {
    encoding.writeVarUint(encoder, run.count);
    encoding.writeVarUint(encoder, run.client);
    encoding.writeVarUint(encoder, run.clock);
    encoding.writeUint8Array(encoder, update.subarray(run.from, run.to));
  }
  if (deletes) encoding.writeUint8Array(encoder, deletes);
  else encoding.writeVarUint(encoder, 0); // no deletions
  return encoding.toUint8Array(encoder);
}

/** A y-webrtc sync message's type and update; undefined for other messages. */
function readSync(message: Uint8Array): { type: number; update: Uint8Array } | undefined {
  try {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return undefined;
    const type = decoding.readVarUint(decoder);
    if (type !== SYNC_STEP_2 && type !== SYNC_UPDATE) return undefined;
    return { type, update: decoding.readVarUint8Array(decoder) };
  } catch {
    return undefined;
  }
}

function syncMessage(type: number, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * A y-webrtc sync message (step 2 or update) whose update is larger than `pieceBytes`, as
 * several sync messages to send in order; undefined for any other message (send it as it is).
 */
export function splitSyncMessage(
  message: Uint8Array,
  pieceBytes = SYNC_PIECE_BYTES,
): Uint8Array[] | undefined {
  return new SyncPieces(pieceBytes).prepare(message);
}

/**
 * The sync messages one channel sends. A large answer goes in pieces, and what those pieces
 * carried is remembered: a newcomer still applying them asks again (anti-entropy sends its
 * state vector every few seconds) and would be sent the rest of the room a second time. Runs
 * of a later answer that lie wholly in what the pieces carried are left out; the channel is
 * ordered and reliable, so they arrive anyway (a closed channel ends this record with it).
 */
export class SyncPieces {
  private readonly sent: Covered = new Map();

  constructor(private readonly pieceBytes = SYNC_PIECE_BYTES) {}

  /** The clock ranges, per Yjs client, that this channel's pieces have carried so far. */
  carried(): ReadonlyMap<number, { readonly clock: number; readonly end: number }> {
    return this.sent;
  }

  /** The messages to send in place of `message`; undefined to send it as it is. */
  prepare(message: Uint8Array): Uint8Array[] | undefined {
    if (message.byteLength <= this.pieceBytes && this.sent.size === 0) return undefined;
    const sync = readSync(message);
    if (!sync) return undefined;
    const update = sync.type === SYNC_STEP_2 ? this.unsent(sync.update) : sync.update;
    const cut = cutUpdate(update, this.pieceBytes);
    if (!cut) return update === sync.update ? undefined : [syncMessage(sync.type, update)];
    for (const [client, range] of cut.covered) {
      const before = this.sent.get(client);
      // Ranges that meet or overlap join; otherwise the newer one is kept.
      if (before && before.clock <= range.clock && range.clock <= before.end) {
        this.sent.set(client, { clock: before.clock, end: Math.max(before.end, range.end) });
      } else {
        this.sent.set(client, range);
      }
    }
    const last = cut.pieces.length - 1;
    return cut.pieces.map((piece, i) => syncMessage(i === last ? sync.type : SYNC_UPDATE, piece));
  }

  /**
   * `update` without the structs the pieces sent so far carried (a run is cut where they end,
   * at a struct boundary); the same array when it has none of them or cannot be read here.
   */
  private unsent(update: Uint8Array): Uint8Array {
    if (this.sent.size === 0) return update;
    try {
      return this.trim(update) ?? update;
    } catch {
      return update;
    }
  }

  private trim(update: Uint8Array): Uint8Array | undefined {
    const d = decoding.createDecoder(update);
    const clients = decoding.readVarUint(d);
    const kept: SubRun[] = [];
    let trimmed = false;
    for (let c = 0; c < clients; c += 1) {
      let count = decoding.readVarUint(d);
      const client = decoding.readVarUint(d);
      let clock = decoding.readVarUint(d);
      const range = this.sent.get(client);
      if (range && range.clock <= clock) {
        // Skips the structs that end within what was sent; a struct that passes its end (or
        // whose length is not known) is kept from its start.
        while (count > 0 && clock < range.end) {
          const at = d.pos;
          const next = clock + skipStruct(d);
          if (!(next <= range.end)) {
            d.pos = at;
            break;
          }
          clock = next;
          count -= 1;
          trimmed = true;
        }
      }
      const from = d.pos;
      for (let s = 0; s < count; s += 1) skipStruct(d);
      if (count > 0) kept.push({ client, clock, count, from, to: d.pos });
    }
    return trimmed ? encodePiece(update, kept, update.subarray(d.pos)) : undefined;
  }
}
