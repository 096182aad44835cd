/**
 * What reactions and replies make of a room's messages: the readers' checks of
 * docs/LOG_SCHEMA.md, "Entry kinds". Pure, and independent of arrival order, so a newcomer
 * sees what everyone else sees. The author of each entry is the signer of its batch, which
 * the log checked: nobody can react or link a reply in another member's name.
 */
import { converged, type AmendTarget, type KindEntry } from './amendments';
import { REACT, REPLY, ROOM, decodePayload } from './entryKinds';

/** One emoji on one message, with who reacted, in the order they first did. */
export interface Reaction {
  readonly emoji: string;
  readonly users: readonly string[];
}

/** The most distinct reactions one user's entries may show on one message. */
export const MAX_REACTIONS_PER_USER = 12;

/**
 * The reactions on each message, by message id. For each (message, user, emoji) the latest
 * entry in converged order says whether the reaction stands. Only chat messages can be
 * reacted to; an entry whose target has not arrived does nothing until it does. A user's
 * reactions past the first MAX_REACTIONS_PER_USER emoji on a message are not shown, so no
 * member can make one message carry thousands of them.
 */
export function reactions(
  kinds: readonly KindEntry[],
  target: (id: string) => AmendTarget | undefined,
): Map<string, Reaction[]> {
  // message id -> emoji -> user -> [stands, first entry it was added by]
  type Stand = { on: boolean; at: KindEntry };
  const latest = new Map<string, Map<string, Map<string, Stand>>>();
  for (const entry of kinds) {
    if (entry.kind !== REACT) continue;
    const payload = decodePayload(entry.kind, entry.message);
    if (payload?.kind !== REACT) continue;
    const original = target(payload.target);
    if (!original || original.kind !== undefined) continue;
    const byEmoji = getOrAdd(latest, payload.target, () => new Map<string, Map<string, Stand>>());
    const byUser = getOrAdd(byEmoji, payload.emoji, () => new Map<string, Stand>());
    const previous = byUser.get(entry.userId);
    if (!previous || converged(previous.at, entry) < 0) {
      byUser.set(entry.userId, { on: payload.on, at: entry });
    }
  }
  const out = new Map<string, Reaction[]>();
  for (const [id, byEmoji] of latest) {
    const perUser = new Map<string, number>();
    const shown: { emoji: string; users: { user: string; at: KindEntry }[] }[] = [];
    const standing = [...byEmoji].flatMap(([emoji, byUser]) =>
      [...byUser].filter(([, r]) => r.on).map(([user, r]) => ({ emoji, user, at: r.at })),
    );
    standing.sort((a, b) => converged(a.at, b.at));
    for (const { emoji, user, at } of standing) {
      const count = perUser.get(user) ?? 0;
      if (count >= MAX_REACTIONS_PER_USER) continue;
      perUser.set(user, count + 1);
      let group = shown.find((g) => g.emoji === emoji);
      if (!group) shown.push((group = { emoji, users: [] }));
      group.users.push({ user, at });
    }
    if (shown.length > 0) {
      out.set(
        id,
        shown.map((g) => ({ emoji: g.emoji, users: g.users.map((u) => u.user) })),
      );
    }
  }
  return out;
}

/**
 * The message each reply answers: message id -> target id. A link counts only when its
 * author wrote the message it links (so nobody can make someone else's message a reply) and
 * both ends are chat messages; the first valid link of a message in converged order wins.
 */
export function replies(
  kinds: readonly KindEntry[],
  target: (id: string) => AmendTarget | undefined,
): Map<string, string> {
  const first = new Map<string, { to: string; at: KindEntry }>();
  for (const entry of kinds) {
    if (entry.kind !== REPLY) continue;
    const payload = decodePayload(entry.kind, entry.message);
    if (payload?.kind !== REPLY) continue;
    const message = target(payload.message);
    const answered = target(payload.target);
    if (!message || message.kind !== undefined || message.userId !== entry.userId) continue;
    if (!answered || answered.kind !== undefined) continue;
    const previous = first.get(payload.message);
    if (!previous || converged(entry, previous.at) < 0) {
      first.set(payload.message, { to: payload.target, at: entry });
    }
  }
  return new Map([...first].map(([id, link]) => [id, link.to]));
}

/** A room's name and topic, and who set them. */
export interface RoomProfile {
  readonly name: string;
  readonly topic: string;
  /** The member whose entry set them. */
  readonly by: string;
  /** That entry's id. */
  readonly id: string;
}

/** The room's name and topic: any member may set them; the latest in converged order wins. */
export function roomProfile(kinds: readonly KindEntry[]): RoomProfile | undefined {
  let best: { name: string; topic: string; at: KindEntry } | undefined;
  for (const entry of kinds) {
    if (entry.kind !== ROOM) continue;
    const payload = decodePayload(entry.kind, entry.message);
    if (payload?.kind !== ROOM) continue;
    if (!best || converged(best.at, entry) < 0) {
      best = { name: payload.name, topic: payload.topic, at: entry };
    }
  }
  return best && { name: best.name, topic: best.topic, by: best.at.userId, id: best.at.id };
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
