// How often presence is renewed, as a function of how many members a room has. Every member's
// heartbeat crosses every link about once, so a peer receives about members x degree / interval
// entries a second; the interval grows with the room so that this stays near a fixed budget.

/** Renewal interval for a room of `members` (15 s up to 375 members, then 40 ms per member). */
export function heartbeatIntervalMs(members: number): number {
  return Math.max(15_000, Math.round(members * 40));
}

/** A member not heard from for this long has left: three missed heartbeats and some slack. */
export function presenceTimeoutMs(members: number): number {
  return heartbeatIntervalMs(members) * 3 + 10_000;
}
