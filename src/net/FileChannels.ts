/**
 * The room's data channels as the file transfer uses them (src/files/FileTransfer.ts): file
 * messages travel as side messages tagged SIDE_FILES, beside y-webrtc's traffic and never
 * through Yjs. Each channel keeps one link object, so the transfer can tell its peers apart.
 */
import type { ChunkedDataChannel } from './ChunkedDataChannel';

/** First byte of a side message that carries a file message. */
export const SIDE_FILES = 2;

/** One peer's channel: what is queued to it, and a send. */
export interface FileChannel {
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
}

export class FileChannels {
  private readonly byChannel = new WeakMap<ChunkedDataChannel, FileChannel>();
  private readonly listeners = new Set<(link: FileChannel, data: Uint8Array) => void>();

  constructor(private readonly open: () => Iterable<ChunkedDataChannel>) {}

  /** The links of the channels open now. */
  links(): FileChannel[] {
    return [...this.open()].map((channel) => this.link(channel));
  }

  onMessage(listener: (link: FileChannel, data: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A file message (tag removed) arrived on `channel`. */
  receive(channel: ChunkedDataChannel, data: Uint8Array): void {
    const link = this.link(channel);
    for (const listener of [...this.listeners]) listener(link, data);
  }

  private link(channel: ChunkedDataChannel): FileChannel {
    let link = this.byChannel.get(channel);
    if (!link) {
      link = {
        get bufferedAmount() {
          return channel.bufferedAmount;
        },
        send(data: Uint8Array) {
          const tagged = new Uint8Array(data.byteLength + 1);
          tagged[0] = SIDE_FILES;
          tagged.set(data, 1);
          // Files are compressed already, and someone waits for them (see sendSide).
          channel.sendSide(tagged, true);
        },
      };
      this.byChannel.set(channel, link);
    }
    return link;
  }
}
