/**
 * Moves files' bytes between peers over the room's data channels, never through Yjs: a
 * reader asks one peer at a time for runs of chunks (a few runs in flight, so the sender's
 * buffer stays small), checks the whole file against its SHA-256 and tries another peer
 * when one does not have it, stops answering, or sends bytes that do not match. A peer
 * answers requests for the files this device keeps, one chunk at a time while the channel's
 * buffer has room. Anything a peer sends that was not asked for is dropped and counted.
 */
import { encodeBase64url } from '../identity/base64url';
import {
  CHUNK_SIZE,
  chunkCount,
  chunkRange,
  decodeFileMessage,
  encodeChunk,
  encodeMissing,
  encodeRequest,
  type ChunkReply,
  type ChunkRequest,
} from './wire';
import { decodeBase64url } from '../identity/base64url';

/** One connected peer, as the transfer uses it (a data channel). */
export interface FileLink {
  /** Bytes queued to this peer and not yet sent. */
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
}

/** The room's connected peers and the file messages they send. */
export interface FileLinks {
  links(): readonly FileLink[];
  onMessage(listener: (link: FileLink, data: Uint8Array) => void): () => void;
}

/** Where a peer's requests are answered from: the files this device keeps for the room. */
export interface FileSource {
  get(hash: string): Promise<Blob | undefined>;
}

/** Why a fetch failed. */
export class FetchFailed extends Error {
  constructor(
    readonly reason: 'mismatch' | 'unavailable' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'FetchFailed';
  }
}

export interface FileTransferOptions {
  /** A peer that sends no requested chunk for this long is given up (default 10 s). */
  readonly stallMs?: number;
  /** Chunks per request (default 32: about half a MiB). */
  readonly run?: number;
  /** Requests in flight to one peer (default 4). */
  readonly window?: number;
  /** A sender waits while more than this is queued to a peer (default 2 MiB). */
  readonly highWater?: number;
  /** Told of every chunk sent to a peer: the file's hash, the chunk, the file's chunks. */
  readonly sent?: (hash: string, index: number, chunks: number) => void;
}

/** What was dropped, for tests and diagnostics. */
export interface TransferStats {
  /** Messages that were malformed, unasked for, or from the wrong peer. */
  dropped: number;
  /** Peers whose bytes did not match the hash. */
  mismatched: number;
}

interface Run {
  readonly first: number;
  readonly count: number;
  left: number;
}

/** One attempt to fetch a file from one peer. */
interface Attempt {
  readonly link: FileLink;
  readonly runs: Map<number, Run>;
  onChunk(reply: ChunkReply): void;
  onMissing(): void;
}

const MAX_QUEUED_PER_LINK = 16;

export class FileTransfer {
  readonly stats: TransferStats = { dropped: 0, mismatched: 0 };
  private readonly stallMs: number;
  private readonly run: number;
  private readonly window: number;
  private readonly highWater: number;
  private readonly sent: FileTransferOptions['sent'];
  /** Request id -> the attempt it belongs to. */
  private readonly pending = new Map<number, Attempt>();
  /** Requests of each peer waiting to be answered, answered in order. */
  private readonly serving = new Map<FileLink, ChunkRequest[]>();
  private readonly unsubscribe: () => void;
  private destroyed = false;

  constructor(
    private readonly links: FileLinks,
    private readonly source: FileSource,
    options: FileTransferOptions = {},
  ) {
    this.stallMs = options.stallMs ?? 10_000;
    this.run = options.run ?? 32;
    this.window = options.window ?? 4;
    this.highWater = options.highWater ?? 2 * 1024 * 1024;
    this.sent = options.sent;
    this.unsubscribe = links.onMessage((link, data) => this.receive(link, data));
  }

  /**
   * Fetches the file whose SHA-256 is `hash` (base64url) and whose length is `size` from the
   * peers, one after another until one sends bytes that match. `progress` is told the bytes
   * received from the current peer. `turn` picks the peer asked first (the `turn`-th, round
   * the list), so that fetches made side by side can go to different peers.
   */
  async fetch(
    hash: string,
    size: number,
    progress?: (received: number) => void,
    signal?: AbortSignal,
    turn = 0,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const hashBytes = decodeBase64url(hash);
    if (!hashBytes || hashBytes.byteLength !== 32) throw new TypeError('not a SHA-256 hash');
    const tried = new Set<FileLink>();
    let mismatch = false;
    for (;;) {
      if (signal?.aborted || this.destroyed) {
        throw new FetchFailed('cancelled', 'The download was cancelled.');
      }
      const links = this.links.links();
      const first = links.length > 0 ? turn % links.length : 0;
      const link = [...links.slice(first), ...links.slice(0, first)].find((l) => !tried.has(l));
      if (!link) break;
      tried.add(link);
      const bytes = await this.attempt(link, hashBytes, size, progress, signal);
      if (!bytes) continue;
      if (encodeBase64url(await sha256(bytes)) === hash) return bytes;
      this.stats.mismatched += 1;
      mismatch = true;
    }
    if (mismatch) {
      throw new FetchFailed(
        'mismatch',
        'Refused: the bytes a peer sent do not match this file’s fingerprint (SHA-256), so they are not the file that was shared.',
      );
    }
    throw new FetchFailed(
      'unavailable',
      'No one connected has this file right now. Try again when its sender is online.',
    );
  }

  /** Fetches every chunk from `link`; undefined when it failed (missing, stalled). */
  private attempt(
    link: FileLink,
    hash: Uint8Array,
    size: number,
    progress: ((received: number) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const chunks = chunkCount(size);
    const buffer = new Uint8Array(size);
    const have = new Uint8Array(chunks);
    let received = 0;
    let nextFirst = 0;
    return new Promise((resolve) => {
      const runs = new Map<number, Run>();
      let stall: ReturnType<typeof setTimeout> | undefined;
      const finish = (result: Uint8Array<ArrayBuffer> | undefined): void => {
        clearTimeout(stall);
        for (const id of runs.keys()) this.pending.delete(id);
        runs.clear();
        signal?.removeEventListener('abort', abort);
        resolve(result);
      };
      const abort = (): void => finish(undefined);
      const armStall = (): void => {
        clearTimeout(stall);
        stall = setTimeout(() => finish(undefined), this.stallMs);
      };
      const attempt: Attempt = {
        link,
        runs,
        onChunk: (reply) => {
          const run = runs.get(reply.id);
          const [start, end] = chunkRange(size, reply.index);
          if (
            !run ||
            reply.index < run.first ||
            reply.index >= run.first + run.count ||
            have[reply.index] === 1 ||
            reply.data.byteLength !== end - start
          ) {
            this.stats.dropped += 1;
            return;
          }
          buffer.set(reply.data, start);
          have[reply.index] = 1;
          received += 1;
          run.left -= 1;
          armStall();
          progress?.(Math.min(size, received * CHUNK_SIZE));
          if (run.left === 0) {
            runs.delete(reply.id);
            this.pending.delete(reply.id);
            if (received === chunks) finish(buffer);
            else ask();
          }
        },
        onMissing: () => finish(undefined),
      };
      const ask = (): void => {
        while (runs.size < this.window && nextFirst < chunks) {
          const count = Math.min(this.run, chunks - nextFirst);
          const id = this.newId();
          runs.set(id, { first: nextFirst, count, left: count });
          this.pending.set(id, attempt);
          try {
            link.send(encodeRequest({ id, first: nextFirst, count, hash }));
          } catch {
            finish(undefined);
            return;
          }
          nextFirst += count;
        }
      };
      signal?.addEventListener('abort', abort);
      armStall();
      ask();
    });
  }

  private newId(): number {
    for (;;) {
      const id = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
      if (!this.pending.has(id)) return id;
    }
  }

  private receive(link: FileLink, data: Uint8Array): void {
    if (this.destroyed) return;
    const message = decodeFileMessage(data);
    if (!message) {
      this.stats.dropped += 1;
      return;
    }
    if (message.type === 'request') {
      this.queueRequest(link, message);
      return;
    }
    const attempt = this.pending.get(message.id);
    // Answers count only from the peer that was asked.
    if (!attempt || attempt.link !== link) {
      this.stats.dropped += 1;
      return;
    }
    if (message.type === 'chunk') attempt.onChunk(message);
    else attempt.onMissing();
  }

  private queueRequest(link: FileLink, request: ChunkRequest): void {
    const queue = this.serving.get(link);
    if (queue) {
      if (queue.length >= MAX_QUEUED_PER_LINK) this.trySend(link, encodeMissing(request.id));
      else queue.push(request);
      return;
    }
    this.serving.set(link, [request]);
    void this.serve(link).finally(() => this.serving.delete(link));
  }

  /** Answers `link`'s requests in order, each chunk once the link's buffer has room. */
  private async serve(link: FileLink): Promise<void> {
    const queue = this.serving.get(link) ?? [];
    let cached: { hash: string; blob: Blob | undefined } | undefined;
    for (let request = queue.shift(); request; request = queue.shift()) {
      if (this.destroyed) return;
      const hash = encodeBase64url(request.hash);
      if (cached?.hash !== hash) {
        cached = { hash, blob: await this.source.get(hash).catch(() => undefined) };
      }
      const blob = cached.blob;
      if (!blob || request.first >= chunkCount(blob.size)) {
        if (!this.trySend(link, encodeMissing(request.id))) return;
        continue;
      }
      const last = Math.min(chunkCount(blob.size), request.first + request.count);
      // One read for the whole run: a read per chunk costs more than the chunk's send.
      const [runStart] = chunkRange(blob.size, request.first);
      const [, runEnd] = chunkRange(blob.size, last - 1);
      const run = new Uint8Array(await blob.slice(runStart, runEnd).arrayBuffer());
      for (let index = request.first; index < last; index += 1) {
        const [start, end] = chunkRange(blob.size, index);
        const bytes = run.subarray(start - runStart, end - runStart);
        while (link.bufferedAmount > this.highWater) {
          if (this.gone()) return;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        if (!this.trySend(link, encodeChunk(request.id, index, bytes))) return;
        this.sent?.(hash, index, chunkCount(blob.size));
      }
    }
  }

  /** Sends; false when the link is closed (its requests are then forgotten). */
  private trySend(link: FileLink, data: Uint8Array): boolean {
    try {
      link.send(data);
      return true;
    } catch {
      return false;
    }
  }

  private gone(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribe();
    this.serving.clear();
  }
}

/** The SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}
