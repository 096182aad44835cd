// What a room session is opened with: the room, the user's keys, the network, storage and
// the bounds of the room's document (its ceiling and when it seals older history).
import type { RejectReason } from '../log/schema';
import type { SignatureVerifier, Signer } from '../log/signing';
import type { NetworkConfig } from '../net/NetworkConfig';
import type { ChatStorage } from '../storage/ChatStorage';
import type { EpochSealsOptions } from '../log/Seals';

export interface RoomSessionOptions {
  readonly roomId: string;
  readonly signer: Signer;
  readonly verifier: SignatureVerifier;
  readonly network: NetworkConfig;
  /** The name shown to others; a claim, not an identity. */
  readonly displayName: string;
  readonly password?: string;
  /** Presence timeout for vanished peers (default 30 s). */
  readonly presenceTimeoutMs?: number;
  readonly historySize?: number;
  /** How often state vectors are exchanged with peers to repair lost updates (default 15 s). */
  readonly antiEntropyMs?: number;
  /** `false`: y-webrtc's own connections instead of the bounded-degree mesh (src/mesh). */
  readonly mesh?: boolean;
  readonly onReject?: (id: string, reason: RejectReason) => void;
  /** Own messages of earlier sessions that no peer had yet (kept by storage). */
  readonly pending?: readonly string[];
  /** Where the room's history and CRDT state persist; without it, memory only. */
  readonly storage?: ChatStorage;
  /**
   * With storage: the stored CRDT state is applied only once this settles (the app first
   * paints the room's newest stored page; applying a large room blocks for a second or more).
   */
  readonly loadAfter?: PromiseLike<unknown>;
  /** Bytes past which peers' updates are no longer applied (default DEFAULT_DOCUMENT_CEILING). */
  readonly documentCeiling?: number;
  /**
   * Sealing (src/log/Seals.ts): past `above` entries in the document, the oldest settled ones
   * leave it for segments of `size` entries. Absent: this tab does not seal (it still honours
   * and fetches the seals of others).
   */
  readonly seal?: { readonly above: number; readonly size?: number; readonly settleMs?: number };
}

/** What the room's EpochSeals take from `seal` (nothing: they keep their defaults). */
export function sealLimits(
  seal: RoomSessionOptions['seal'],
): Partial<Pick<EpochSealsOptions, 'liveLimit' | 'sealSize' | 'settleMs'>> {
  if (!seal) return {};
  return {
    liveLimit: seal.above,
    ...(seal.size ? { sealSize: seal.size } : {}),
    ...(seal.settleMs !== undefined ? { settleMs: seal.settleMs } : {}),
  };
}
