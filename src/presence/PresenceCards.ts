import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { SignatureVerifier, Signer } from '../log/signing';
import type { SessionKey } from '../hub/ports';

/** Fields of an awareness state that a card signature covers; others (typing) are not. */
export const SIGNED_FIELDS = ['name', 'dh', 'dm'] as const;

const encoder = new TextEncoder();
const CACHE_LIMIT = 1000;

/**
 * The bytes a presence card signature covers: the room, the awareness client id (so a card
 * cannot be copied into another client's state), the sessions and the signed fields.
 */
export function cardBytes(
  context: string,
  clientId: number,
  state: Record<string, unknown>,
): Uint8Array {
  return encoder.encode(
    JSON.stringify([
      'meshchat-presence/1',
      context,
      clientId,
      state.sessions ?? [],
      ...SIGNED_FIELDS.map((field) => state[field] ?? null),
    ]),
  );
}

/** Whether a peer's presence may be shown. */
export type CardVerdict = 'trusted' | 'pending' | 'invalid';

/**
 * Signs this tab's presence card and checks peers' cards. Awareness states travel unsigned in
 * y-protocols, so without this anyone could make "Alice has joined" appear; with it, a
 * peer's sessions count only once the card, signed by the user they name, verifies.
 */
export class PresenceCards {
  private readonly verdicts = new Map<string, CardVerdict>();
  private generation = 0;

  constructor(
    private readonly options: {
      readonly context: string;
      readonly signer?: Signer | undefined;
      readonly verifier?: SignatureVerifier | undefined;
      /** Called when a pending verification has finished. */
      readonly onSettled: () => void;
    },
  ) {}

  /** Judges a peer's state: trusted, still being verified, or invalid. */
  check(clientId: number, state: Record<string, unknown>, sessions: SessionKey[]): CardVerdict {
    const verifier = this.options.verifier;
    if (!verifier || sessions.length === 0) return 'trusted';
    const users = new Set(sessions.map((s) => s.userId));
    if (users.size !== 1) return 'invalid';
    const signature = typeof state.sig === 'string' ? decodeBase64url(state.sig) : undefined;
    if (!signature) return state.sig === null || state.sig === undefined ? 'pending' : 'invalid';
    const bytes = cardBytes(this.options.context, clientId, state);
    const key = `${String(state.sig)}|${new TextDecoder().decode(bytes)}`;
    const known = this.verdicts.get(key);
    if (known) return known;
    if (this.verdicts.size >= CACHE_LIMIT) this.verdicts.clear();
    this.verdicts.set(key, 'pending');
    const [userId] = users as unknown as [string];
    verifier.verify(userId, bytes, signature).then(
      (ok) => this.settle(key, ok ? 'trusted' : 'invalid'),
      () => this.settle(key, 'invalid'),
    );
    return 'pending';
  }

  /**
   * Signs the local state and hands the signature to `apply`, unless the state has changed
   * again meanwhile (then a newer signing is under way).
   */
  sign(clientId: number, state: Record<string, unknown>, apply: (sig: string) => void): void {
    const signer = this.options.signer;
    this.generation += 1;
    const generation = this.generation;
    if (!signer) return;
    signer.sign(cardBytes(this.options.context, clientId, state)).then(
      (signature) => {
        if (generation === this.generation) apply(encodeBase64url(signature));
      },
      () => undefined,
    );
  }

  /** Stops applying signatures still being made. */
  cancel(): void {
    this.generation += 1;
  }

  private settle(key: string, verdict: CardVerdict): void {
    if (this.verdicts.get(key) !== 'pending') return;
    this.verdicts.set(key, verdict);
    this.options.onSettled();
  }
}
