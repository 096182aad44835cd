/**
 * The display names authors signed into the room's log (`name` entries, docs/LOG_SCHEMA.md
 * "Entry kinds"): so that history shows who wrote it whether or not they are online. Pure:
 * the same entries give the same names on every peer, in whatever order they arrived.
 */
import { NAME, decodePayload } from './entryKinds';
import type { SignedEntry } from './schema';

/** The fields of a kind entry this reads (a SignedEntry has them). */
export type NameEntry = Pick<SignedEntry, 'id' | 'userId' | 'message' | 'unixTime' | 'kind'>;

/** One author's newest signed name and when they signed it (their `t`, ms). */
export interface SignedName {
  readonly name: string;
  readonly signedAt: number;
}

/**
 * Each author's newest signed name: the `name` entry with the greatest `t`, ties broken by
 * the greater id so that every peer picks the same one. A `name` entry names its author (`u`,
 * which the batch signature binds), never anyone else, so nobody can name another user.
 */
export function signedNames(kinds: readonly NameEntry[]): Map<string, SignedName> {
  const newest = new Map<string, SignedName & { id: string }>();
  for (const entry of kinds) {
    if (entry.kind !== NAME) continue;
    const payload = decodePayload(NAME, entry.message);
    if (payload?.kind !== NAME) continue;
    const held = newest.get(entry.userId);
    if (
      !held ||
      entry.unixTime > held.signedAt ||
      (entry.unixTime === held.signedAt && entry.id > held.id)
    ) {
      newest.set(entry.userId, { name: payload.name, signedAt: entry.unixTime, id: entry.id });
    }
  }
  const out = new Map<string, SignedName>();
  for (const [userId, { name, signedAt }] of newest) out.set(userId, { name, signedAt });
  return out;
}
