// What the log's kind entries make of one room, as the view shows it: edits, deletions,
// reactions and replies folded over the transcript's lines (src/log/amendments.ts and
// src/log/responses.ts hold the readers' checks), and the room's name; and this user's own
// such entries, written. A deleted message's text is also withdrawn from this device's stored
// history, through the room's `redact` where it has one, and an edited one's text replaced
// there (`revise`), so a cold open and search read what the room shows.
import { amend, type Amendment } from '../log/amendments';
import {
  DELETE,
  EDIT,
  REACT,
  REPLY,
  ROOM,
  charCount,
  encodePayload,
  isReaction,
  MAX_ROOM_NAME,
  MAX_ROOM_TOPIC,
} from '../log/entryKinds';
import { reactions, replies, roomProfile, type Reaction, type RoomProfile } from '../log/responses';
import { attachments, type Attachment } from '../log/attachments';
import { FILE, encodeFile } from '../log/fileEntry';
import type { RoomSource } from './RoomSource';
import type { ChatLine, MessageLine } from './ChatLine';

/** Whether a text may be a reaction (one emoji, or a short sequence of them). */
export { isReaction };

/** Why an edit, deletion, reaction, reply or rename was not written. */
export type AmendRefusal =
  'not-found' | 'not-own' | 'deleted' | 'empty' | 'offline' | 'not-emoji' | 'too-long';

/** Everything the kind entries say, folded once per change. */
interface Folded {
  readonly amended: Map<string, Amendment>;
  readonly reactions: Map<string, Reaction[]>;
  readonly replies: Map<string, string>;
  readonly profile: RoomProfile | undefined;
  readonly files: Map<string, Attachment>;
}

/** How much of the answered message a reply quotes. */
const QUOTE_CHARS = 140;

export class RoomAmendments {
  private readonly source: RoomSource;
  private cached: Folded | undefined;
  /** Deleted ids already withdrawn from storage (or being withdrawn). */
  private readonly redacted = new Set<string>();
  /** Edited texts already written to storage (or being written), by id. */
  private readonly revised = new Map<string, string>();
  private readonly unsubscribe: () => void;

  private readonly deleted: ((ids: readonly string[]) => void) | undefined;

  constructor(source: RoomSource, changed: () => void, deleted?: (ids: readonly string[]) => void) {
    this.source = source;
    this.deleted = deleted;
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
    return this.folded().amended;
  }

  /** The room's name and topic from its log, and who set them. */
  profile(): RoomProfile | undefined {
    return this.folded().profile;
  }

  private folded(): Folded {
    if (!this.cached) {
      const kinds = this.source.log.kinds();
      const target = (id: string) => this.source.log.get(id);
      this.cached = {
        amended: amend(kinds, target),
        reactions: reactions(kinds, target),
        replies: replies(kinds, target),
        profile: roomProfile(kinds),
        files: attachments(kinds, target),
      };
      this.redactDeleted(this.cached.amended);
      this.storeEdits(this.cached.amended);
    }
    return this.cached;
  }

  /**
   * The lines with edits, deletions, reactions and replies applied (the same objects when
   * none apply). `userId` is this user: their own reactions are marked.
   */
  apply(lines: readonly ChatLine[], userId?: string): readonly ChatLine[] {
    const { amended, reactions: reacted, replies: answered, files } = this.folded();
    if (amended.size === 0 && reacted.size === 0 && answered.size === 0 && files.size === 0) {
      return lines;
    }
    const byId = new Map<string, MessageLine>();
    const shown = lines.map((line) => {
      if (line.kind !== 'message') return line;
      let out: MessageLine = line;
      const change = amended.get(line.id);
      if (change?.deleted) out = { ...out, text: '', deleted: true, edited: false };
      else if (change) out = { ...out, text: change.text ?? line.text, edited: true };
      const file = out.deleted ? undefined : files.get(line.id);
      if (file) out = { ...out, file };
      const standing = out.deleted ? undefined : reacted.get(line.id);
      if (standing) {
        out = {
          ...out,
          reactions: standing.map((r) => ({
            emoji: r.emoji,
            users: r.users,
            mine: userId !== undefined && r.users.includes(userId),
          })),
        };
      }
      byId.set(out.id, out);
      return out;
    });
    if (answered.size === 0) return shown;
    return shown.map((line) => {
      if (line.kind !== 'message') return line;
      const to = answered.get(line.id);
      if (!to) return line;
      const original = byId.get(to);
      const entry = this.source.log.get(to);
      const author = original?.userId ?? entry?.userId;
      if (author === undefined) return line;
      const deleted = original?.deleted ?? amended.get(to)?.deleted ?? false;
      const text = deleted ? '' : (original?.text ?? amended.get(to)?.text ?? entry?.message ?? '');
      return {
        ...line,
        replyTo: { id: to, userId: author, text: quote(text), deleted },
      };
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

  /**
   * Adds (`on`) or takes back this user's reaction `emoji` to message `id`; the reason when
   * it was not written. Any member may react to any message that is not deleted.
   */
  react(id: string, userId: string, emoji: string, on: boolean): AmendRefusal | undefined {
    if (!isReaction(emoji)) return 'not-emoji';
    const target = this.source.log.get(id);
    if (!target || target.kind !== undefined) return 'not-found';
    if (this.current().get(id)?.deleted) return 'deleted';
    const payload = encodePayload({ kind: REACT, target: id, emoji, on });
    return this.source.log.append(userId, payload, REACT) === undefined ? 'offline' : undefined;
  }

  /** Links this user's message `message` as the reply to `target`. */
  linkReply(message: string, target: string, userId: string): AmendRefusal | undefined {
    const answered = this.source.log.get(target);
    if (!answered || answered.kind !== undefined) return 'not-found';
    const payload = encodePayload({ kind: REPLY, message, target });
    return this.source.log.append(userId, payload, REPLY) === undefined ? 'offline' : undefined;
  }

  /** Attaches `file` (already kept on this device) to the message this user just wrote. */
  attach(message: string, userId: string, file: Attachment): AmendRefusal | undefined {
    // `message` was just written by this user: the log may still be verifying it, and every
    // reader checks that the file's author wrote it (src/log/attachments.ts).
    const payload = encodeFile({ kind: FILE, message, ...file });
    return this.source.log.append(userId, payload, FILE) === undefined ? 'offline' : undefined;
  }

  /** Names the room (and sets its topic) as this user. */
  rename(name: string, topic: string, userId: string): AmendRefusal | undefined {
    const n = name.trim().replace(/\s+/g, ' ');
    const t = topic.trim().replace(/[\r\n]+/g, ' ');
    if (n === '') return 'empty';
    if (charCount(n) > MAX_ROOM_NAME || charCount(t) > MAX_ROOM_TOPIC) return 'too-long';
    const payload = encodePayload({ kind: ROOM, name: n, topic: t });
    return this.source.log.append(userId, payload, ROOM) === undefined ? 'offline' : undefined;
  }

  destroy(): void {
    this.unsubscribe();
  }

  private redactDeleted(amended: Map<string, Amendment>): void {
    const ids: string[] = [];
    for (const [id, change] of amended) {
      if (change.deleted && !this.redacted.has(id)) ids.push(id);
    }
    if (ids.length === 0) return;
    for (const id of ids) this.redacted.add(id);
    this.deleted?.(ids);
    const redact = this.source.redact?.bind(this.source);
    if (!redact) return;
    redact(ids).catch((error: unknown) => {
      for (const id of ids) this.redacted.delete(id);
      console.warn('MeshChat could not remove deleted messages from storage', error);
    });
  }

  private storeEdits(amended: Map<string, Amendment>): void {
    const edits: [string, string][] = [];
    for (const [id, change] of amended) {
      if (!change.deleted && change.text !== undefined && this.revised.get(id) !== change.text) {
        edits.push([id, change.text]);
      }
    }
    const revise = this.source.revise?.bind(this.source);
    if (edits.length === 0 || !revise) return;
    for (const [id, text] of edits) this.revised.set(id, text);
    revise(edits).catch((error: unknown) => {
      for (const [id] of edits) this.revised.delete(id);
      console.warn('MeshChat could not store edited messages', error);
    });
  }
}

/** The start of a quoted message, on one line. */
function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (charCount(line) <= QUOTE_CHARS) return line;
  let cut = '';
  for (const char of line) {
    if (cut.length >= QUOTE_CHARS - 1) break;
    cut += char;
  }
  return `${cut}…`;
}
