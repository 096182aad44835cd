import { encodeBase64url } from '../../identity/base64url';
import type { Signer } from '../../log/signing';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from '../../presence/awarenessWire';
import { cardBytes, PRESENCE_VERSION } from '../../presence/PresenceCards';

/** The largest clock y-protocols can carry: a state sent with it can never be superseded. */
export const HUGE_CLOCK = Number.MAX_SAFE_INTEGER;

/**
 * A programmable hostile member of a room's awareness. It speaks y-protocols' awareness
 * update format, as y-webrtc carries it between peers, and writes what that format lets any
 * member write: any state for any client id (another tab's, or the receiver's own), any clock,
 * removals of others, replays of cards it has seen, and floods of forged states. It can sign
 * only with its own key.
 */
export class HostileAwareness {
  /** The newest state JSON seen for each client id. */
  private readonly seen = new Map<number, string>();

  constructor(
    /** The room the adversary's own signatures name. */
    private readonly context: string,
    /** The adversary's own key, for cards that verify (as itself). */
    readonly signer?: Signer,
  ) {}

  /** Records the states of an update it received (what an eavesdropping member keeps). */
  observe(update: Uint8Array): void {
    for (const entry of decodeAwarenessUpdate(update, Infinity)?.entries ?? []) {
      if (entry.json !== 'null') this.seen.set(entry.clientId, entry.json);
    }
  }

  /** The last state seen for `clientId`, as JSON. */
  captured(clientId: number): string | undefined {
    return this.seen.get(clientId);
  }

  /** Sends the last card seen for `clientId` again, with a clock that wins. */
  replay(clientId: number, clock = HUGE_CLOCK): Uint8Array {
    const json = this.seen.get(clientId);
    if (json === undefined) throw new Error(`no card of client ${clientId} was seen`);
    return encodeAwarenessUpdate([{ clientId, clock, json }]);
  }

  /** Any state for any client id; `sig` is whatever the state says (or 64 random bytes). */
  forge(clientId: number, state: Record<string, unknown>, clock = HUGE_CLOCK): Uint8Array {
    const json = JSON.stringify({ sig: randomSignature(), ...state });
    return encodeAwarenessUpdate([{ clientId, clock, json }]);
  }

  /** Removes `clientId` (a null state), as only that client should. */
  remove(clientId: number, clock = HUGE_CLOCK): Uint8Array {
    return encodeAwarenessUpdate([{ clientId, clock, json: 'null' }]);
  }

  /**
   * One update with `count` forged cards, each for a client id of its own, naming a user of
   * its own (random keys), with random signatures: every one needs a verification to refute.
   */
  flood(count: number, now: number, firstClientId = 1_000_000): Uint8Array {
    const entries = Array.from({ length: count }, (_, i) => {
      const userId = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
      const state = {
        v: PRESENCE_VERSION,
        u: userId,
        t: now,
        sessions: [[userId, `s${i}`]],
        name: 'Alice',
        sig: randomSignature(),
      };
      return { clientId: firstClientId + i, clock: HUGE_CLOCK, json: JSON.stringify(state) };
    });
    return encodeAwarenessUpdate(entries);
  }

  /** A card signed with the adversary's own key, for `clientId`; it verifies (as itself). */
  async signed(clientId: number, state: Record<string, unknown>, clock = 1): Promise<Uint8Array> {
    if (!this.signer) throw new Error('this adversary has no key');
    const card = { v: PRESENCE_VERSION, u: this.signer.userId, ...state };
    const sig = encodeBase64url(await this.signer.sign(cardBytes(this.context, clientId, card)));
    return encodeAwarenessUpdate([{ clientId, clock, json: JSON.stringify({ ...card, sig }) }]);
  }
}

function randomSignature(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(64)));
}
