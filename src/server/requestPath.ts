/**
 * The path of an HTTP request target, without parsing it as a URL relative to some base: the
 * WHATWG parser would read the origin-form target `//evil/x` as host `evil`, path `/x`, and it
 * throws on malformed absolute-form targets (`GET http://[ HTTP/1.1`), which the HTTP parser lets
 * through. Any code path that throws on a request target is a way to crash the server.
 */

/** The raw (still percent-encoded) path of `target`, or null when it has none. */
export function requestPath(target: string | undefined): string | null {
  if (target === undefined || target === '') return null;
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  try {
    // Absolute form, as sent to proxies: http://host/path
    return new URL(target).pathname;
  } catch {
    return null;
  }
}
