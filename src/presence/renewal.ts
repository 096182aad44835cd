// How often a tab renews its presence card, as a function of how many members it sees. Every
// renewal crosses every link of the mesh about once, so a peer receives about members x degree
// / interval cards a second: the interval grows with the room to keep that near a fixed budget.
// A reader expires a member after a fixed number of that member's own intervals, read from its
// card and bounded, so a slow renewer is not dropped and a hostile card cannot stay for an hour.

/** Rooms up to this many members renew at the base interval. */
export const BASE_ROOM = 10;
/** The longest interval, as a multiple of the base one (10 s base: 60 s). */
export const MAX_INTERVAL_FACTOR = 6;

/** The interval for a room of `members` (the base up to BASE_ROOM members, then linear, capped). */
export function renewalMs(members: number, baseMs: number): number {
  // Whole ms: readers take only an integer `iv` (a base of 4000 / 3 ms is not one).
  const grown = (baseMs * Math.max(members, 1)) / BASE_ROOM;
  return Math.round(Math.min(baseMs * MAX_INTERVAL_FACTOR, Math.max(baseMs, grown)));
}

/** A card's claimed interval `iv`, bounded to [base, cap]; the base when absent or malformed. */
export function boundedInterval(iv: unknown, baseMs: number): number {
  if (typeof iv !== 'number' || !Number.isFinite(iv)) return baseMs;
  return Math.min(baseMs * MAX_INTERVAL_FACTOR, Math.max(baseMs, iv));
}

/** How long after its last renewal a member whose card claims `iv` is gone. */
export function expiryMs(iv: unknown, baseMs: number, baseTimeoutMs: number): number {
  return (baseTimeoutMs * boundedInterval(iv, baseMs)) / baseMs;
}
