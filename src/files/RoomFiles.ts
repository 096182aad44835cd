/**
 * One room's files (the app's FileShelf): the bytes kept on this device (FileStore), fetched
 * from the room's peers and served to them (FileTransfer), and thumbnails for images.
 */
import type { FileShelf, FileUsage } from '../app/FileShelf';
import { encodeBase64url } from '../identity/base64url';
import { FileStore, QuotaExceeded } from './FileStore';
import type { FileLinks } from './FileLinks';
import { FetchFailed, FileTransfer, sha256 } from './FileTransfer';
import { makeThumbnail } from './thumbnail';

let pageStore: FileStore | undefined;

/** The page's one file store (its database opens on first use). */
export function sharedFileStore(): FileStore {
  pageStore ??= new FileStore();
  return pageStore;
}

/** The room's sealed segments, as a tab serves them to its peers. */
export interface SealedSource {
  /** The segment (or its compressed form) named `hash` if it is in memory: no storage read. */
  held(hash: string): Uint8Array | undefined;
  get(hash: string): Promise<Uint8Array | undefined>;
}

export class RoomFiles implements FileShelf {
  readonly transfer: FileTransfer;
  /** Chunks sent of each file being sent, and who wants to know. */
  private readonly sending = new Map<string, Set<number>>();
  private readonly watchers = new Map<string, Set<(sent: number) => void>>();
  /** Fetches in progress, by hash: a second reader of one file waits for the first. */
  private readonly fetching = new Map<string, Promise<Blob>>();

  /**
   * `sealed`: the room's sealed history segments (src/log/Seals.ts), served to peers like
   * files: they too are asked for by their SHA-256.
   */
  constructor(
    private readonly roomId: string,
    private readonly store: FileStore,
    links: FileLinks,
    sealed?: SealedSource,
  ) {
    this.transfer = new FileTransfer(
      links,
      {
        get: async (hash) => {
          // A segment in memory first: a newcomer asks for several while this tab is busy
          // answering its sync, and each storage read waits its turn behind that work.
          const held = sealed?.held(hash);
          if (held) return new Blob([new Uint8Array(held)]);
          const file = await this.store.get(this.roomId, hash);
          if (file || !sealed) return file;
          const segment = await sealed.get(hash);
          return segment && new Blob([new Uint8Array(segment)]);
        },
      },
      { sent: (hash, index, chunks) => this.chunkSent(hash, index, chunks) },
    );
  }

  async keep(file: Blob, type: string): Promise<{ hash: string; thumb: string }> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const hash = encodeBase64url(await sha256(bytes));
    await this.store.put(
      this.roomId,
      hash,
      new Blob([bytes], { type: 'application/octet-stream' }),
    );
    const thumb = await makeThumbnail(file, type).catch(() => '');
    return { hash, thumb };
  }

  open(
    file: { readonly hash: string; readonly size: number; readonly type: string },
    progress?: (received: number) => void,
    signal?: AbortSignal,
  ): Promise<Blob> {
    const running = this.fetching.get(file.hash);
    if (running) return running;
    const fetched = this.load(file, progress, signal).finally(() =>
      this.fetching.delete(file.hash),
    );
    this.fetching.set(file.hash, fetched);
    return fetched;
  }

  private async load(
    file: { readonly hash: string; readonly size: number },
    progress: ((received: number) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Blob> {
    const kept = await this.store.get(this.roomId, file.hash).catch(() => undefined);
    if (kept && kept.size === file.size) return kept;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await this.transfer.fetch(file.hash, file.size, progress, signal);
    } catch (error) {
      throw error instanceof FetchFailed ? new Error(error.message) : error;
    }
    const blob = new Blob([bytes], { type: 'application/octet-stream' });
    try {
      await this.store.put(this.roomId, file.hash, blob);
    } catch (error) {
      // Shown anyway; only not kept (and so not offered to others) past the quota.
      if (!(error instanceof QuotaExceeded)) console.warn('MeshChat could not keep a file', error);
    }
    return blob;
  }

  /** Calls `listener` with the share (0 to 1) of file `hash` sent to the peer fetching it. */
  onSending(hash: string, listener: (sent: number) => void): () => void {
    let set = this.watchers.get(hash);
    if (!set) this.watchers.set(hash, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.watchers.delete(hash);
    };
  }

  private chunkSent(hash: string, index: number, chunks: number): void {
    let sent = this.sending.get(hash);
    if (!sent) this.sending.set(hash, (sent = new Set()));
    sent.add(index);
    const share = sent.size / chunks;
    // A whole copy has gone out: the next peer's fetch counts from zero again.
    if (sent.size >= chunks) this.sending.delete(hash);
    for (const listener of [...(this.watchers.get(hash) ?? [])]) listener(share);
  }

  usage(): Promise<FileUsage> {
    return this.store.usage(this.roomId);
  }

  destroy(): void {
    this.transfer.destroy();
  }
}
