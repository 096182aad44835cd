// Edits and deletions of one room's messages, as the view shows them: folds the log's kind
// entries (src/log/amendments.ts holds the readers' checks) over the transcript's lines, and
// writes this user's own edits and deletions. A deleted message's text is also withdrawn from
// this device's stored history, through the room's `redact` where it has one.
import { amend, type Amendment } from '../log/amendments';
import { DELETE, EDIT, encodePayload } from '../log/entryKinds';
import type { RoomSource } from './RoomSource';
import type { ChatLine } from './Transcript';

/** Why an edit or deletion was not written. */
export type AmendRefusal = 'not-found' | 'not-own' | 'deleted' | 'empty' | 'offline';

export class RoomAmendments {
  private readonly source: RoomSource;
  private cached: Map<string, Amendment> | undefined;
  /** Deleted ids already withdrawn from storage (or being withdrawn). */
  private readonly redacted = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(source: RoomSource, changed: () => void) {
    this.source = source;
    this.unsubscribe = source.log.observeKinds(() => {
      this.cached = undefined;
      changed();
    });
  }

  /** Call when messages arrived: a kind entry may name one of them. */
  entriesArrived(): void {
    if (this.source.log.kinds().length > 0) this.cached = undefined;
  }

  /** What happened to each amended message, by id. */
  current(): Map<string, Amendment> {
    if (!this.cached) {
      this.cached = amend(this.source.log.kinds(), (id) => this.source.log.get(id));
      this.redactDeleted(this.cached);
    }
    return this.cached;
  }

  /** The lines with their edits and deletions applied (the same objects when none apply). */
  apply(lines: readonly ChatLine[]): readonly ChatLine[] {
    const amended = this.current();
    if (amended.size === 0) return lines;
    return lines.map((line) => {
      if (line.kind !== 'message') return line;
      const change = amended.get(line.id);
      if (!change) return line;
      if (change.deleted) return { ...line, text: '', deleted: true, edited: false };
      return { ...line, text: change.text ?? line.text, edited: true };
    });
  }

  /** Whether this user may edit or delete message `id` now; the reason if not. */
  check(id: string, userId: string): AmendRefusal | undefined {
    const target = this.source.log.get(id);
    if (!target || target.kind !== undefined) return 'not-found';
    if (target.userId !== userId) return 'not-own';
    if (this.current().get(id)?.deleted) return 'deleted';
    return undefined;
  }

  /** Writes an edit of this user's message `id`; the reason when it was not written. */
  edit(id: string, userId: string, text: string): AmendRefusal | undefined {
    if (text.trim() === '') return 'empty';
    const refused = this.check(id, userId);
    if (refused) return refused;
    const payload = encodePayload({ kind: EDIT, target: id, text });
    return this.source.log.append(userId, payload, EDIT) === undefined ? 'offline' : undefined;
  }

  /** Writes the deletion of this user's message `id`; the reason when it was not written. */
  remove(id: string, userId: string): AmendRefusal | undefined {
    const refused = this.check(id, userId);
    if (refused) return refused;
    const payload = encodePayload({ kind: DELETE, target: id });
    return this.source.log.append(userId, payload, DELETE) === undefined ? 'offline' : undefined;
  }

  destroy(): void {
    this.unsubscribe();
  }

  private redactDeleted(amended: Map<string, Amendment>): void {
    const redact = this.source.redact?.bind(this.source);
    if (!redact) return;
    const ids: string[] = [];
    for (const [id, change] of amended) {
      if (change.deleted && !this.redacted.has(id)) ids.push(id);
    }
    if (ids.length === 0) return;
    for (const id of ids) this.redacted.add(id);
    redact(ids).catch((error: unknown) => {
      for (const id of ids) this.redacted.delete(id);
      console.warn('MeshChat could not remove deleted messages from storage', error);
    });
  }
}
