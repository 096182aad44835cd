/**
 * Which WebSocket upgrades the signaling endpoint admits: the path, the origin, the server's
 * capacity and the per-address limit, and the HTTP status of a refusal.
 */
import type { IncomingMessage } from 'node:http';
import { addressKey } from './addressKey.js';
import type { SignalingLimits } from './config.js';
import type { RejectReason } from './Metrics.js';
import { requestPath } from './requestPath.js';

/** Paths that accept upgrades: the canonical one and the bare origin stock clients use. */
export const SIGNALING_PATHS: ReadonlySet<string | null> = new Set(['/signal', '/']);

/** The HTTP status line answering each refused upgrade. */
export const REJECT_STATUS: Record<RejectReason, string> = {
  bad_path: '404 Not Found',
  origin: '403 Forbidden',
  address_limit: '429 Too Many Requests',
  capacity: '503 Service Unavailable',
  shutting_down: '503 Service Unavailable',
};

/** The client's address: the last X-Forwarded-For hop behind a trusted proxy, else the socket's. */
export function clientAddress(request: IncomingMessage, limits: SignalingLimits): string {
  if (limits.trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
    const last = (list[list.length - 1] ?? '').trim();
    if (last !== '') return last;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * Why an upgrade from `address` is refused, or null to admit it: `stopping` while the server
 * shuts down, `open` connections in all, `perAddress` open ones by address key.
 */
export function admission(
  request: IncomingMessage,
  address: string,
  limits: SignalingLimits,
  stopping: boolean,
  open: number,
  perAddress: ReadonlyMap<string, number>,
): RejectReason | null {
  if (stopping) return 'shutting_down';
  if (!SIGNALING_PATHS.has(requestPath(request.url))) return 'bad_path';
  const allowed = limits.allowedOrigins;
  if (allowed !== null && !allowed.includes(request.headers.origin ?? '')) return 'origin';
  if (open >= limits.maxConnections) return 'capacity';
  const fromAddress = perAddress.get(addressKey(address)) ?? 0;
  if (fromAddress >= limits.maxConnectionsPerAddress) return 'address_limit';
  return null;
}
