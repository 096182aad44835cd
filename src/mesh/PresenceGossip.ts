import { heartbeatIntervalMs, presenceTimeoutMs } from './presenceRate';
import type { MeshEnv } from './ports';
import type { Beat, MeshMessage } from './wire';

/** One member as this peer knows it. */
export interface Member {
  counter: number;
  /** Version of the member's full state; a higher one than `stateVersion` is fetched. */
  version: number;
  lastSeen: number;
  state: Uint8Array | undefined;
  stateVersion: number;
  /** The neighbour the newest beat came from (it is not sent back there). */
  via: string | undefined;
}

/**
 * Quiet presence over the mesh: the roster is built from compact heartbeats (member id,
 * counter, state version: about 8 bytes each) that travel hop by hop, each crossing a link
 * once per renewal and merged per neighbour into one message a second; a member's full state
 * (name, card) is fetched from a neighbour only when its version changes. Renewal slows as the
 * room grows (presenceRate.ts), so a peer's presence traffic stays near a fixed budget.
 */
export class PresenceGossip {
  readonly members = new Map<number, Member>();
  private readonly dirty = new Map<string, Set<number>>();
  private counter = 0;
  private version = 0;
  private nextBeat: number;
  private ownState: Uint8Array = new Uint8Array(0);

  constructor(
    readonly self: number,
    private readonly env: MeshEnv,
    private readonly send: (peer: string, message: MeshMessage) => boolean,
  ) {
    this.nextBeat = env.now();
    this.members.set(self, this.ownEntry());
  }

  /** Sets this member's full state; neighbours fetch it when the next beat reaches them. */
  setState(state: Uint8Array): void {
    this.ownState = state;
    this.version += 1;
    this.nextBeat = this.env.now();
  }

  addNeighbour(peer: string): void {
    // A new neighbour learns the whole roster once; after that only changes cross.
    this.dirty.set(peer, new Set(this.members.keys()));
  }

  removeNeighbour(peer: string): void {
    this.dirty.delete(peer);
  }

  receive(from: string, message: MeshMessage): void {
    if (!this.dirty.has(from)) return;
    switch (message.type) {
      case 'beats':
        this.receiveBeats(from, message.beats);
        break;
      case 'stateWant': {
        const states = message.members
          .map((member) => ({ member, entry: this.members.get(member) }))
          .filter(({ entry }) => entry?.state !== undefined)
          .map(({ member, entry }) => ({
            member,
            version: entry?.stateVersion ?? 0,
            state: entry?.state ?? new Uint8Array(0),
          }));
        if (states.length > 0) this.send(from, { type: 'states', states });
        break;
      }
      case 'states':
        for (const { member, version, state } of message.states) {
          const entry = this.members.get(member);
          if (entry && version >= entry.stateVersion) {
            entry.state = state;
            entry.stateVersion = version;
          }
        }
        break;
      default:
        break;
    }
  }

  /** Called about once a second: renews this member, expires silent ones, sends the changes. */
  tick(): void {
    const now = this.env.now();
    const size = this.members.size;
    if (now >= this.nextBeat) {
      this.counter += 1;
      this.members.set(this.self, this.ownEntry());
      this.markDirty(this.self, undefined);
      this.nextBeat = now + heartbeatIntervalMs(size) * (0.9 + 0.2 * this.env.random());
    }
    const timeout = presenceTimeoutMs(size);
    for (const [member, entry] of this.members) {
      if (member !== this.self && now - entry.lastSeen > timeout) this.members.delete(member);
    }
    for (const [peer, set] of this.dirty) {
      if (set.size === 0) continue;
      const beats: Beat[] = [];
      for (const member of set) {
        const entry = this.members.get(member);
        if (entry) beats.push({ member, counter: entry.counter, version: entry.version });
      }
      set.clear();
      if (beats.length > 0) this.send(peer, { type: 'beats', beats });
    }
  }

  private ownEntry(): Member {
    return {
      counter: this.counter,
      version: this.version,
      lastSeen: this.env.now(),
      state: this.ownState,
      stateVersion: this.version,
      via: undefined,
    };
  }

  private receiveBeats(from: string, beats: readonly Beat[]): void {
    const want: number[] = [];
    for (const { member, counter, version } of beats) {
      if (member === this.self) continue;
      const entry = this.members.get(member);
      if (entry && entry.counter >= counter) continue;
      const next: Member = entry ?? {
        counter,
        version,
        lastSeen: 0,
        state: undefined,
        stateVersion: -1,
        via: from,
      };
      next.counter = counter;
      next.version = Math.max(next.version, version);
      next.lastSeen = this.env.now();
      next.via = from;
      this.members.set(member, next);
      if (next.version > next.stateVersion) want.push(member);
      this.markDirty(member, from);
    }
    if (want.length > 0) this.send(from, { type: 'stateWant', members: want });
  }

  private markDirty(member: number, except: string | undefined): void {
    for (const [peer, set] of this.dirty) if (peer !== except) set.add(member);
  }
}
