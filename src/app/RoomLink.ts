// Room links: `/r/<roomId>` with an optional password in the fragment `#k=<password>`, so the
// password never reaches a server (browsers do not send fragments).
import { encodeBase64url } from '../identity/base64url';

/**
 * Where the app is: the room list, one room (with the password from its link), or a room
 * link that cannot be followed, with what is wrong with it in words for the user.
 */
export type Route =
  | { readonly kind: 'home' }
  | { readonly kind: 'room'; readonly roomId: string; readonly password?: string }
  | { readonly kind: 'bad-link'; readonly problem: string };

/** What the user is told about a room link whose room id is not one. */
export const BAD_ROOM_ID =
  'That room link is incomplete or mistyped: a room id is 8 to 64 letters, digits, "-" or "_". Ask for the link again.';
/** What the user is told about a room link whose password is empty or damaged. */
export const BAD_PASSWORD =
  'That room link’s password (after “#k=”) is empty or damaged, so the room could not be opened. Ask for the link again.';

const ROOM_ID = /^[A-Za-z0-9_-]{8,64}$/;
const PASSWORD = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether `value` is an acceptable room id: 8-64 characters of [A-Za-z0-9_-]. */
export function isRoomId(value: string): boolean {
  return ROOM_ID.test(value);
}

/** Whether `roomId` names a direct-message room (only its two users derive those). */
export function isDirectRoomId(roomId: string): boolean {
  return roomId.startsWith('dm-');
}

/** A fresh room id: 16 random bytes, base64url (22 characters), never one of a DM. */
export function newRoomId(): string {
  for (;;) {
    const id = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
    if (!isDirectRoomId(id)) return id;
  }
}

/** A fresh room password for a link's fragment: 16 random bytes, base64url. */
export function newRoomPassword(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * The route a URL's path and fragment name. A path outside `/r/` is home; a room link with a
 * malformed room id, or with a `k` that is empty or not a password, is a bad link (never a
 * room without a password: that would quietly be another room than the one meant).
 */
export function parseRoute(location: { pathname: string; hash: string }): Route {
  const match = /^\/r(?:\/([^/]*))?\/?$/.exec(location.pathname);
  if (!match) return { kind: 'home' };
  const roomId = match[1] ?? '';
  if (!isRoomId(roomId)) return { kind: 'bad-link', problem: BAD_ROOM_ID };
  const password = new URLSearchParams(location.hash.replace(/^#/, '')).get('k');
  if (password === null) return { kind: 'room', roomId };
  return PASSWORD.test(password)
    ? { kind: 'room', roomId, password }
    : { kind: 'bad-link', problem: BAD_PASSWORD };
}

/** The path and fragment of a route: `/`, `/r/<id>` or `/r/<id>#k=<password>`. */
export function routePath(route: Route): string {
  if (route.kind !== 'room') return '/';
  const fragment = route.password ? `#k=${route.password}` : '';
  return `/r/${route.roomId}${fragment}`;
}

/** The full shareable link of a room on `origin`. */
export function roomLink(origin: string, roomId: string, password?: string): string {
  return origin + routePath({ kind: 'room', roomId, ...(password ? { password } : {}) });
}

/**
 * Reads a pasted link (or a bare room id) into a room route, or a bad-link route saying what
 * is wrong with a room link; undefined if it is no room link at all. Accepts links of any
 * origin: the room id and password are what matter.
 */
export function parseRoomInput(input: string): Route | undefined {
  const text = input.trim();
  if (isRoomId(text)) return { kind: 'room', roomId: text };
  let url: URL;
  try {
    url = new URL(text, 'https://placeholder.invalid');
  } catch {
    return undefined;
  }
  const route = parseRoute(url);
  return route.kind === 'home' ? undefined : route;
}
