/**
 * Moves files' bytes between peers over the room's data channels, never through Yjs: a
 * reader asks one peer at a time for runs of chunks (a few runs in flight, so the sender's
 * buffer stays small), checks the whole file against its SHA-256 and tries another peer
 * when one does not have it, stops answering, or sends bytes that do not match. A peer
 * answers requests for the files this device keeps, one chunk at a time while the channel's
 * buffer has room (FileServer). Anything a peer sends that was not asked for is dropped and
 * counted.
 */
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { FileLink, FileLinks, FileSource } from './FileLinks';
import { FileServer } from './FileServer';
import {
  CHUNK_SIZE,
  chunkCount,
  chunkRange,
  decodeFileMessage,
  encodeRequest,
  type ChunkReply,
} from './wire';

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

export class FileTransfer {
  readonly stats: TransferStats = { dropped: 0, mismatched: 0 };
  private readonly stallMs: number;
  private readonly run: number;
  private readonly window: number;
  /** Request id -> the attempt it belongs to. */
  private readonly pending = new Map<number, Attempt>();
  private readonly server: FileServer;
  private readonly unsubscribe: () => void;
  private destroyed = false;

  constructor(
    private readonly links: FileLinks,
    source: FileSource,
    options: FileTransferOptions = {},
  ) {
    this.stallMs = options.stallMs ?? 10_000;
    this.run = options.run ?? 32;
    this.window = options.window ?? 4;
    this.server = new FileServer(source, options.highWater ?? 2 * 1024 * 1024, options.sent);
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
      this.server.queueRequest(link, message);
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

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribe();
    this.server.destroy();
  }
}

/** The SHA-256 of `bytes`. */
export async function sha256(bytes: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}
