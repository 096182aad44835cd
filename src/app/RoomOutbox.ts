// The messages this user writes in one open room: written to the log at once, or kept in
// order while the room's code is still loading and written as soon as it has (the user
// pressed Enter; the text must not stay behind in the box).
import type { RoomSource } from './RoomSource';

export interface RoomOutboxOptions {
  /** Whether the room has ended here: nothing is written any more. */
  readonly ended: () => boolean;
  /** Called before each message is written (the user's name is signed into the log). */
  readonly beforeWrite: () => void;
  /** Links message `id` as an answer to `replyTo`. */
  readonly linkReply: (id: string, replyTo: string) => void;
  /** Message `id` is written but not yet delivered. */
  readonly markPending: (id: string) => void;
  /** Called after each message written (the user is not typing any more; the view changed). */
  readonly written: () => void;
}

/** Writes this user's messages to one room's log. */
export class RoomOutbox {
  private readonly source: RoomSource;
  private readonly options: RoomOutboxOptions;
  /** Messages sent before the room's code loaded, in order (with the message each answers). */
  private readonly queued: { text: string; replyTo?: string }[] = [];
  private startingRoom: Promise<unknown> | undefined;

  constructor(source: RoomSource, options: RoomOutboxOptions) {
    this.source = source;
    this.options = options;
  }

  /**
   * Sends `text` as this user. Empty or whitespace-only text is ignored (returns false).
   * The text is sent as typed: leading and trailing blank lines are the user's own.
   */
  send(text: string, replyTo?: string): boolean {
    if (this.options.ended() || text.trim() === '') return false;
    // Sent in the moment before the room's code has loaded: kept, in order, and written as
    // soon as it has (the user pressed Enter; the text must not stay behind in the box).
    const starting = this.queued.length > 0 ? this.startingRoom : this.source.starting?.();
    if (starting) {
      this.startingRoom = starting;
      this.queued.push(replyTo === undefined ? { text } : { text, replyTo });
      if (this.queued.length === 1)
        void starting.then(
          () => this.sendQueued(),
          () => undefined,
        );
      return true;
    }
    return this.write(text, replyTo) !== undefined;
  }

  /** Writes `text` to the log now; its id, or undefined when it could not be written. */
  write(text: string, replyTo?: string): string | undefined {
    if (this.options.ended()) return undefined;
    this.options.beforeWrite();
    const id = this.source.send(text);
    if (id === undefined) return undefined;
    // The link goes right after its message, in the same batch: peers see both at once.
    if (replyTo !== undefined) this.options.linkReply(id, replyTo);
    if (!this.source.delivery.isDelivered(id)) this.options.markPending(id);
    this.options.written();
    return id;
  }

  private sendQueued(): void {
    for (const { text, replyTo } of this.queued.splice(0)) {
      if (this.write(text, replyTo) === undefined) {
        console.error('MeshChat: a message could not be written', text);
      }
    }
  }
}
