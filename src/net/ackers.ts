// Which peers answer a tab's `want` of DeliveryTracker (rendezvous hashing), and reading the
// acks a peer published.

/**
 * Peers that answer one tab's `want`: the ones whose awareness ids rank first for that tab
 * (rendezvous hashing over the members each peer sees, so they agree without a message). One
 * holder is enough to call an entry delivered; every peer answering made each message cost
 * a signed card from every peer, flooded to all (in a 25-peer burst, most of the room's CPU).
 */
export const ACKERS_PER_WANT = 3;

/**
 * Whether `self` is among the ACKERS_PER_WANT members (`wanter` aside) that rank first for
 * `wanter`. Every peer ranks the members it sees the same way, so in a settled room the same
 * few answer; one that does not see a ranked member yet answers too, which costs a card only.
 */
export function answers(self: number, wanter: number, members: readonly number[]): boolean {
  const mine = rank(wanter, self);
  let before = 0;
  for (const member of members) {
    if (member === wanter || member === self) continue;
    const theirs = rank(wanter, member);
    if (theirs < mine || (theirs === mine && member < self)) before += 1;
    if (before >= ACKERS_PER_WANT) return false;
  }
  return true;
}

/** A well-mixed 32-bit rank of `member` for `wanter` (awareness ids are 32-bit). */
function rank(wanter: number, member: number): number {
  let h = Math.imul((wanter ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ member;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Whether a peer's awareness state publishes any acks. */
export function hasAcks(state: Record<string, unknown>): boolean {
  const acks = state.acks;
  return typeof acks === 'object' && acks !== null && Object.keys(acks).length > 0;
}

/** How far a peer's published acks say it holds `client` (-1: no ack). */
export function ackFor(state: Record<string, unknown>, client: number): number {
  const acks = state.acks;
  if (typeof acks !== 'object' || acks === null) return -1;
  const value = (acks as Record<string, unknown>)[String(client)];
  return Number.isSafeInteger(value) ? (value as number) : -1;
}
