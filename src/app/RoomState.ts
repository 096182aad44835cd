// One open room as the UI sees it: what ObservedRoom shows, plus the user's intents (send,
// share, edit, react, typing, older pages). Plain TypeScript over a RoomSource; elements read
// it through RoomController and hold no logic of their own.
import type { PeerCard } from '../direct/DirectMessages';
import type { AmendRefusal } from './RoomAmendments';
import type { FileShelf } from './FileShelf';
import { ObservedRoom } from './ObservedRoom';

/** The view model of one room in this tab. */
export class RoomState extends ObservedRoom {
  /**
   * Sends `text` as this user. Empty or whitespace-only text is ignored (returns false).
   * The text is sent as typed: leading and trailing blank lines are the user's own.
   */
  send(text: string, replyTo?: string): boolean {
    return this.outbox.send(text, replyTo);
  }

  /** The room's shared files (undefined until the room's code has loaded). */
  get files(): FileShelf | undefined {
    return this.source.files;
  }

  /** Shares `file` as this user's message; what to tell the user when it was not shared. */
  async shareFile(file: Blob & { readonly name?: string }): Promise<string | undefined> {
    if (this.ended) return 'This room is closed here.';
    // The file code loads with the first file shared, not with the first page.
    const { shareFile } = await import('./FileShelf');
    return shareFile(
      this.source.files,
      file,
      (text) => this.outbox.write(text),
      (id, attached) => this.amendments.attach(id, this.userId, attached),
    );
  }

  /**
   * Replaces the text of this user's message `id` with `text` (a signed edit entry); returns
   * why it was refused (not this user's, deleted, empty), or undefined when it was written.
   */
  edit(id: string, text: string): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const refused = this.amendments.edit(id, this.userId, text);
    if (!refused) this.changed();
    return refused;
  }

  /** Deletes this user's message `id` (a signed delete entry); the reason when refused. */
  deleteMessage(id: string): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const refused = this.amendments.remove(id, this.userId);
    if (!refused) this.changed();
    return refused;
  }

  /**
   * Turns this user's reaction `emoji` on message `id` on, or off when it stands already (a
   * signed react entry); the reason when refused.
   */
  react(id: string, emoji: string): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const line = this.snapshot().lines.find((l) => l.kind === 'message' && l.id === id);
    const mine =
      line?.kind === 'message' && (line.reactions ?? []).some((r) => r.emoji === emoji && r.mine);
    const refused = this.amendments.react(id, this.userId, emoji, !mine);
    if (!refused) this.changed();
    return refused;
  }

  /** Names the room and sets its topic, for every member (a signed room entry). */
  nameRoom(name: string, topic = ''): AmendRefusal | undefined {
    if (this.ended) return 'offline';
    const refused = this.amendments.rename(name, topic, this.userId);
    if (!refused) this.changed();
    return refused;
  }

  /** Whether this user may edit or delete message `id`. */
  canAmend(id: string): boolean {
    return this.amendments.check(id, this.userId) === undefined;
  }

  /** Tells peers this user is typing; throttled, so call it on every keystroke. */
  typing(): void {
    this.people.typing();
  }

  /** Tells peers this user stopped typing (the box was emptied, or a send was refused). */
  stopTyping(): void {
    this.people.stopTyping();
  }

  /**
   * Shows one more page of older messages; false when there are none. What the log holds
   * shows at once; older stored events (notices, imported history) follow from storage.
   */
  showOlder(): boolean {
    const widened = this.transcript.showOlder();
    if (widened) this.changed();
    if (!this.stored?.hasOlder) return widened;
    void this.stored.loadOlder().then((notices) => {
      if (this.destroyed) return;
      for (const event of notices) this.transcript.addEvent(event);
      if (!widened) this.transcript.widen();
      this.changed();
    });
    return true;
  }

  /** The DM-related fields of every peer state here (not this tab's own). */
  peerCards(): PeerCard[] {
    return this.people.peerCards();
  }

  /** The users present here now, each once. */
  presentUserIds(): string[] {
    return this.source.hub.participants().map((member) => member.userId);
  }

  /** Publishes an awareness field of this tab (DM keys and invitations). */
  publish(field: string, value: unknown): void {
    this.source.presence.setField(field, value);
  }

  /** Shares a changed display name with the room. */
  rename(name: string): void {
    this.source.presence.setField('name', name);
    this.names.learn(this.userId, name);
  }
}
