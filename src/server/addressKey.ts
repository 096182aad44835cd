/**
 * The key per-address limits count under. An IPv4 client has one address; an IPv6 client is
 * usually handed a whole /64 and can pick any of its 2^64 addresses for each connection, so
 * IPv6 limits apply per /64 prefix. IPv4-mapped IPv6 (::ffff:1.2.3.4), as a dual-stack socket
 * reports IPv4 clients, counts as the IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Expands an IPv6 address to its eight 16-bit groups (numbers), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const zoneless = address.split('%', 1)[0] ?? '';
  if (!isIPv6(zoneless)) return null;
  let text = zoneless;
  // A trailing dotted quad (::ffff:1.2.3.4, ::1.2.3.4) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((group) =>
    Number.parseInt(group, 16),
  );
}

/**
 * `1.2.3.4` for IPv4 (and IPv4-mapped IPv6), `2001:db8:1:2::/64` for any IPv6 address in that
 * prefix, and the text unchanged for anything else (a unix socket, "unknown").
 */
export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  if (groups === null) return address;
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isMapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
