import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import type { PresenceHarness } from '../hub/presenceContract';
import type { PresencePort } from '../hub/ports';
import type { SignatureVerifier, Signer } from '../log/signing';
import { AwarenessPresence } from '../presence/AwarenessPresence';
import { intervalTicker } from '../presence/Ticker';
import { linkAwareness, type Link } from './links';
import type { ManualTime } from './ManualTime';

interface Member {
  awareness: Awareness;
  presence: AwarenessPresence;
  links: Link[];
}

/** Awareness instances that forward their updates to each other, like a network. */
export class AwarenessMesh {
  readonly members: Member[] = [];

  add(
    options: {
      timeoutMs?: number;
      heartbeatMs?: number;
      signer?: Signer;
      verifier?: SignatureVerifier;
      /** Time moved by the test (default: the real clock and timers). */
      time?: ManualTime;
    } = {},
  ): AwarenessPresence {
    const awareness = new Awareness(new Y.Doc());
    const presence = new AwarenessPresence(awareness, {
      timeoutMs: options.timeoutMs ?? 1500,
      heartbeatMs: options.heartbeatMs ?? 300,
      ticker: options.time?.ticker ?? intervalTicker,
      ...(options.time ? { now: options.time.now } : {}),
      context: 'room-1',
      ...(options.signer ? { signer: options.signer } : {}),
      ...(options.verifier ? { verifier: options.verifier } : {}),
    });
    const member: Member = { awareness, presence, links: [] };
    // A link of its own to each existing member, so cutting one member cuts only its links.
    for (const other of this.members) {
      const link = linkAwareness([awareness, other.awareness]);
      member.links.push(link);
      other.links.push(link);
    }
    this.members.push(member);
    return presence;
  }

  /** Stops a member's traffic without a goodbye (a crashed tab). */
  cut(presence: PresencePort): void {
    const member = this.members.find((m) => m.presence === presence);
    for (const link of member?.links ?? []) link.up = false;
  }

  destroy(): void {
    for (const { presence, awareness } of this.members.splice(0)) {
      presence.destroy();
      awareness.destroy();
    }
  }
}

/** A contract harness over an AwarenessMesh; `options(i)` configures replica i. */
export function meshHarness(
  options: (index: number) => Parameters<AwarenessMesh['add']>[0] = () => ({}),
  users?: readonly [string, string],
): PresenceHarness {
  const mesh = new AwarenessMesh();
  return {
    ...(users ? { users } : {}),
    replicas: (count) =>
      Promise.resolve(Array.from({ length: count }, (_, i) => mesh.add(options(i)))),
    vanish: (replica) => {
      mesh.cut(replica);
      return Promise.resolve();
    },
    cleanup: () => {
      mesh.destroy();
      return Promise.resolve();
    },
  };
}
