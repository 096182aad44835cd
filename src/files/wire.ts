/**
 * The file transfer's messages on a data channel (docs/LOG_SCHEMA.md, "Files"): binary, each
 * one side message of its own. A reader asks a peer for a run of chunks of a file by its
 * hash; the peer answers each chunk, or says it does not have the file. Chunks are small
 * enough that a chunk message is never compressed or split (frames.ts): a whole file crosses
 * as many messages far below y-webrtc's 256 KiB limit.
 */

/** Bytes of file data in one chunk (the last chunk of a file may be shorter). */
export const CHUNK_SIZE = 16 * 1024 - 32;
/** The most chunks one request may ask for. */
export const MAX_RUN = 64;

const REQUEST = 1;
const CHUNK = 2;
const MISSING = 3;
const HASH_BYTES = 32;
const REQUEST_BYTES = 1 + 4 + 4 + 2 + HASH_BYTES;
const CHUNK_HEADER = 1 + 4 + 4;

/** Asks for chunks `first` .. `first + count - 1` of the file with SHA-256 `hash`. */
export interface ChunkRequest {
  readonly type: 'request';
  /** Chosen by the asker; every answer carries it. */
  readonly id: number;
  readonly first: number;
  readonly count: number;
  readonly hash: Uint8Array;
}

/** Chunk `index` of the file a request asked for. */
export interface ChunkReply {
  readonly type: 'chunk';
  readonly id: number;
  readonly index: number;
  readonly data: Uint8Array;
}

/** The peer does not hold the file (or will not send it now). */
export interface MissingReply {
  readonly type: 'missing';
  readonly id: number;
}

export type FileMessage = ChunkRequest | ChunkReply | MissingReply;

/** How many chunks a file of `size` bytes has. */
export function chunkCount(size: number): number {
  return Math.ceil(size / CHUNK_SIZE);
}

/** The byte range [start, end) of chunk `index` of a file of `size` bytes. */
export function chunkRange(size: number, index: number): [number, number] {
  const start = index * CHUNK_SIZE;
  return [start, Math.min(size, start + CHUNK_SIZE)];
}

export function encodeRequest(request: Omit<ChunkRequest, 'type'>): Uint8Array {
  const out = new Uint8Array(REQUEST_BYTES);
  const view = new DataView(out.buffer);
  out[0] = REQUEST;
  view.setUint32(1, request.id);
  view.setUint32(5, request.first);
  view.setUint16(9, request.count);
  out.set(request.hash, 11);
  return out;
}

export function encodeChunk(id: number, index: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER + data.byteLength);
  const view = new DataView(out.buffer);
  out[0] = CHUNK;
  view.setUint32(1, id);
  view.setUint32(5, index);
  out.set(data, CHUNK_HEADER);
  return out;
}

export function encodeMissing(id: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = MISSING;
  new DataView(out.buffer).setUint32(1, id);
  return out;
}

/** Reads a message; undefined for anything malformed (the caller drops and counts it). */
export function decodeFileMessage(bytes: Uint8Array): FileMessage | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (bytes[0]) {
    case REQUEST: {
      if (bytes.byteLength !== REQUEST_BYTES) return undefined;
      const count = view.getUint16(9);
      if (count < 1 || count > MAX_RUN) return undefined;
      return {
        type: 'request',
        id: view.getUint32(1),
        first: view.getUint32(5),
        count,
        hash: bytes.slice(11),
      };
    }
    case CHUNK: {
      if (bytes.byteLength < CHUNK_HEADER || bytes.byteLength > CHUNK_HEADER + CHUNK_SIZE) {
        return undefined;
      }
      return {
        type: 'chunk',
        id: view.getUint32(1),
        index: view.getUint32(5),
        data: bytes.subarray(CHUNK_HEADER),
      };
    }
    case MISSING:
      return bytes.byteLength === 5 ? { type: 'missing', id: view.getUint32(1) } : undefined;
    default:
      return undefined;
  }
}
