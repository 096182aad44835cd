/**
 * What the verified kind entries do to the messages they name: the readers' checks of
 * docs/LOG_SCHEMA.md, "Entry kinds". Pure: the same entries give the same result on every
 * peer, in whatever order they arrived, so a newcomer sees what everyone else sees.
 */
import { DELETE, EDIT, decodePayload } from './entryKinds';
import type { SignedEntry } from './schema';

/** The fields of a kind entry the fold reads (a SignedEntry has them). */
export type KindEntry = Pick<SignedEntry, 'id' | 'userId' | 'message' | 'clock' | 'kind'>;

/** What happened to one message. */
export interface Amendment {
  /** The text of the latest valid edit (absent: never edited, or deleted). */
  readonly text?: string;
  readonly edited: boolean;
  readonly deleted: boolean;
}

/** The fields of a target message the checks need. */
export interface AmendTarget {
  readonly userId: string;
  /** A kind entry is no message: nothing amends it. */
  readonly kind?: string;
}

/**
 * Folds kind entries over their targets. An edit or a deletion takes effect only when its
 * author (the signer of its batch, which the log checked) is the author of the target, and
 * the target is a chat message. Among edits, the latest in converged order wins; a deletion
 * is final, whatever its order: no edit brings a deleted message back. An entry whose target
 * is not (yet) known does nothing until the target arrives and the fold runs again.
 */
export function amend(
  kinds: readonly KindEntry[],
  target: (id: string) => AmendTarget | undefined,
): Map<string, Amendment> {
  const latestEdit = new Map<string, KindEntry & { text: string }>();
  const deleted = new Set<string>();
  for (const entry of kinds) {
    if (entry.kind === undefined) continue;
    const payload = decodePayload(entry.kind, entry.message);
    if (!payload || (payload.kind !== EDIT && payload.kind !== DELETE)) continue;
    const original = target(payload.target);
    if (!original || original.kind !== undefined || original.userId !== entry.userId) continue;
    if (payload.kind === DELETE) {
      deleted.add(payload.target);
    } else {
      const previous = latestEdit.get(payload.target);
      if (!previous || converged(previous, entry) < 0) {
        latestEdit.set(payload.target, { ...entry, text: payload.text });
      }
    }
  }
  const out = new Map<string, Amendment>();
  for (const [id, edit] of latestEdit) {
    if (!deleted.has(id)) out.set(id, { text: edit.text, edited: true, deleted: false });
  }
  for (const id of deleted) out.set(id, { edited: latestEdit.has(id), deleted: true });
  return out;
}

/** The converged order (schema.ts's compareSigned) over the fields a kind entry has here. */
export function converged(a: KindEntry, b: KindEntry): number {
  return a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
