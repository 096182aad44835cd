// The names authors signed into one room's log (src/log/signedNames.ts), taught to the
// NameBook so that history shows who wrote it while they are offline; and this user's own
// name, signed into the log before they write, so that it travels with their messages.
import { NAME, encodePayload } from '../log/entryKinds';
import { signedNames } from '../log/signedNames';
import type { NameBook } from './NameBook';
import type { RoomEntry, RoomSource } from './RoomSource';

export class RoomNames {
  private readonly source: RoomSource;
  private readonly names: NameBook;
  /** The newest name this user signed into this room's log (verified there, or just written). */
  private own: string | undefined;
  private readonly unsubscribe: () => void;

  constructor(source: RoomSource, names: NameBook, changed: () => void) {
    this.source = source;
    this.names = names;
    this.learn();
    this.unsubscribe = source.log.observeKinds((entries: readonly RoomEntry[]) => {
      if (entries.some((entry) => entry.kind === NAME) && this.learn()) changed();
    });
  }

  /**
   * Signs `name` into the log as this user's, unless it is the newest name they signed here
   * already; call before writing a message. Nothing is written while the room cannot write.
   */
  signOwn(name: string | undefined): void {
    if (!name || name === this.own) return;
    const payload = encodePayload({ kind: NAME, name });
    if (this.source.log.append(this.source.userId, payload, NAME) !== undefined) this.own = name;
  }

  destroy(): void {
    this.unsubscribe();
  }

  /** Teaches the NameBook every author's newest signed name; returns whether one changed. */
  private learn(): boolean {
    let changed = false;
    for (const [userId, { name, signedAt }] of signedNames(this.source.log.kinds())) {
      // This user's own name is the one they chose on this device, not an older one signed
      // elsewhere (another device of theirs): only remember that it is signed here.
      if (userId === this.source.userId) this.own ??= name;
      else if (this.names.learn(userId, name, signedAt)) changed = true;
    }
    return changed;
  }
}
