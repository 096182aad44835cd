// Room links: `/r/<roomId>` with an optional password in the fragment `#k=<password>`, so the
// password never reaches a server (browsers do not send fragments).
import { encodeBase64url } from '../identity/base64url';

/** Where the app is: the room list, or one room (with the password from its link). */
export type Route =
  | { readonly kind: 'home' }
  | { readonly kind: 'room'; readonly roomId: string; readonly password?: string };

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

/** The route a URL's path and fragment name; anything unrecognised is home. */
export function parseRoute(location: { pathname: string; hash: string }): Route {
  const match = /^\/r\/([^/]+)\/?$/.exec(location.pathname);
  const roomId = match?.[1];
  if (roomId === undefined || !isRoomId(roomId)) return { kind: 'home' };
  const password = new URLSearchParams(location.hash.replace(/^#/, '')).get('k') ?? '';
  return PASSWORD.test(password) ? { kind: 'room', roomId, password } : { kind: 'room', roomId };
}

/** The path and fragment of a route: `/`, `/r/<id>` or `/r/<id>#k=<password>`. */
export function routePath(route: Route): string {
  if (route.kind === 'home') return '/';
  const fragment = route.password ? `#k=${route.password}` : '';
  return `/r/${route.roomId}${fragment}`;
}

/** The full shareable link of a room on `origin`. */
export function roomLink(origin: string, roomId: string, password?: string): string {
  return origin + routePath({ kind: 'room', roomId, ...(password ? { password } : {}) });
}

/**
 * Reads a pasted link (or a bare room id) into a room route; undefined if it names no room.
 * Accepts links of any origin: the room id and password are what matter.
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
  return route.kind === 'room' ? route : undefined;
}
