import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RoomSnapshot } from '../../app/RoomSnapshot';
import type { RoomState } from '../../app/RoomState';
import type { FileShelf } from '../../app/FileShelf';

/**
 * Gives an element the snapshot of one room and re-renders it on every change. The intents
 * (send, typing, older pages) go straight to the RoomState: the element holds no logic.
 */
export class RoomController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private room: RoomState | undefined;
  private unsubscribe: (() => void) | undefined;
  private connected = false;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Follows `room` (a no-op if it is the one followed already). */
  follow(room: RoomState | undefined): void {
    if (room === this.room) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.room = room;
    if (this.connected) this.subscribe();
  }

  get snapshot(): RoomSnapshot | undefined {
    return this.room?.snapshot();
  }

  send(text: string, replyTo?: string): boolean {
    return this.room?.send(text, replyTo) ?? false;
  }

  /** Shares a file as this user's message; what to tell the user when it was not shared. */
  shareFile(file: File): Promise<string | undefined> {
    return this.room ? this.room.shareFile(file) : Promise.resolve('This room is closed here.');
  }

  /** The room's shared files (kept here, fetched from peers), once the room has loaded. */
  get files(): FileShelf | undefined {
    return this.room?.files;
  }

  /** Adds or takes back this user's reaction; the reason when refused (see RoomState.react). */
  react(id: string, emoji: string): string | undefined {
    return this.room ? this.room.react(id, emoji) : 'offline';
  }

  /** Names the room for everyone; the reason when refused (see RoomState.nameRoom). */
  nameRoom(name: string, topic: string): string | undefined {
    return this.room ? this.room.nameRoom(name, topic) : 'offline';
  }

  /** Edits this user's message; the reason when refused (see RoomState.edit). */
  edit(id: string, text: string): string | undefined {
    return this.room ? this.room.edit(id, text) : 'offline';
  }

  /** Deletes this user's message; the reason when refused. */
  deleteMessage(id: string): string | undefined {
    return this.room ? this.room.deleteMessage(id) : 'offline';
  }

  typing(): void {
    this.room?.typing();
  }

  stopTyping(): void {
    this.room?.stopTyping();
  }

  showOlder(): boolean {
    return this.room?.showOlder() ?? false;
  }

  /** The message log has laid out the room's lines. */
  shown(): void {
    this.room?.shown();
  }

  hostConnected(): void {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.room?.subscribe(() => this.host.requestUpdate());
  }
}
