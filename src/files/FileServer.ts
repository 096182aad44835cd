// The answering side of a file transfer: a peer's requests for the files this device keeps
// are queued per peer and answered in order, one chunk at a time while the peer's buffer has
// room.
import { encodeBase64url } from '../identity/base64url';
import type { FileLink, FileSource } from './FileLinks';
import { chunkCount, chunkRange, encodeChunk, encodeMissing, type ChunkRequest } from './wire';

const MAX_QUEUED_PER_LINK = 16;

export class FileServer {
  /** Requests of each peer waiting to be answered, answered in order. */
  private readonly serving = new Map<FileLink, ChunkRequest[]>();
  private destroyed = false;

  constructor(
    private readonly source: FileSource,
    private readonly highWater: number,
    private readonly sent: ((hash: string, index: number, chunks: number) => void) | undefined,
  ) {}

  queueRequest(link: FileLink, request: ChunkRequest): void {
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

  /** Stops answering: what is queued is dropped, a run being sent stops at its next chunk. */
  destroy(): void {
    this.destroyed = true;
    this.serving.clear();
  }
}
