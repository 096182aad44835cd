// The end-to-end harness's hostile presence: sends raw awareness updates (built by the
// adversary kit's HostileAwareness) to every WebRTC peer of a session, as a modified client
// speaking y-webrtc's protocol could.
import * as encoding from 'lib0/encoding';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { RoomSession } from '../../compose/RoomSession';
import type { GateStats } from '../../presence/AwarenessGate';
import { providerRoom } from '../../net/yInternals';
import { HostileAwareness } from '../adversary/HostileAwareness';

/** What a hostile page can do to the room's presence. */
export type PresenceAttack =
  /** Remembers every card this page holds now (what it will replay). */
  | { kind: 'capture' }
  /** Sends the captured card of `clientId` again, with clock 2^53 - 1. */
  | { kind: 'replay'; clientId: number }
  /** A state with a bad signature for `clientId` (a peer's own), with clock 2^53 - 1. */
  | { kind: 'forge'; clientId: number; userId: string }
  /** A removal of `clientId`. */
  | { kind: 'remove'; clientId: number };

const adversaries = new WeakMap<RoomSession, HostileAwareness>();

/** Carries out `attack` from `session`'s page; returns how many peers it was sent to. */
export function attackPresence(session: RoomSession, attack: PresenceAttack): number {
  let adversary = adversaries.get(session);
  if (!adversary) {
    adversary = new HostileAwareness(session.roomId);
    adversaries.set(session, adversary);
  }
  const awareness = session.awareness;
  let update: Uint8Array;
  switch (attack.kind) {
    case 'capture':
      adversary.observe(encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]));
      return 0;
    case 'replay':
      update = adversary.replay(attack.clientId);
      break;
    case 'forge':
      update = adversary.forge(attack.clientId, {
        v: 2,
        u: attack.userId,
        t: Date.now(),
        sessions: [],
      });
      break;
    case 'remove':
      update = adversary.remove(attack.clientId);
      break;
  }
  // y-webrtc's awareness message: type 1, then the update as a length-prefixed byte array.
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, update);
  const message = encoding.toUint8Array(encoder);
  let sent = 0;
  for (const conn of providerRoom(session.network.provider)?.webrtcConns.values() ?? []) {
    // A connection still being made (another peer dialling in) cannot carry it yet.
    if (!conn.connected) continue;
    conn.peer.send(message);
    sent += 1;
  }
  return sent;
}

/** What the session's presence gate refused and let in so far, and the beats it took. */
export function gateStats(session: RoomSession): (GateStats & { beats: number }) | undefined {
  const { gate, signalStats } = session.presence;
  return gate ? { ...gate.stats, beats: signalStats?.beats ?? 0 } : undefined;
}
