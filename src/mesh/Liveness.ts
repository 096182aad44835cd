import type { MeshEnv } from './ports';

export interface LivenessOptions {
  /** A link silent this long gets a ping (default 5 s). */
  readonly pingMs: number;
  /** A link silent this long is dead: it is closed so that it can be rebuilt (default 15 s). */
  readonly deadMs: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { pingMs: 5000, deadMs: 15_000 };

/**
 * Notices links that stopped carrying data. A data channel can stay "open" while nothing
 * crosses it (after an offer collision in y-webrtc each side sends on the channel it made and
 * ignores the other's; a peer that vanished without closing looks the same for ~30 s), so the
 * channel's state is not trusted: every frame that arrives counts as a sign of life, a quiet
 * link is pinged, and a link that answers nothing for `deadMs` is reported dead.
 */
export class Liveness {
  readonly options: LivenessOptions;
  private readonly heard = new Map<string, { at: number; pinged: number }>();
  private nonce = 0;
  /** Links declared dead (for the benchmarks and the status line). */
  dead = 0;

  constructor(
    private readonly env: MeshEnv,
    private readonly ping: (peer: string, nonce: number) => void,
    private readonly declareDead: (peer: string) => void,
    options: Partial<LivenessOptions> = {},
  ) {
    this.options = { ...DEFAULT_LIVENESS, ...options };
    if (this.options.deadMs <= this.options.pingMs) {
      throw new RangeError('liveness deadMs must exceed pingMs');
    }
  }

  add(peer: string): void {
    this.heard.set(peer, { at: this.env.now(), pinged: -Infinity });
  }

  remove(peer: string): void {
    this.heard.delete(peer);
  }

  /** Something arrived from `peer`. */
  alive(peer: string): void {
    const entry = this.heard.get(peer);
    if (entry) entry.at = this.env.now();
  }

  /** Whether `peer` has been heard from within the ping interval (what "connected" shows). */
  isFresh(peer: string): boolean {
    const entry = this.heard.get(peer);
    return entry !== undefined && this.env.now() - entry.at < this.options.deadMs;
  }

  tick(): void {
    const now = this.env.now();
    for (const [peer, entry] of [...this.heard]) {
      const quiet = now - entry.at;
      if (quiet >= this.options.deadMs) {
        this.heard.delete(peer);
        this.dead += 1;
        this.declareDead(peer);
      } else if (quiet >= this.options.pingMs && now - entry.pinged >= this.options.pingMs) {
        entry.pinged = now;
        this.nonce = (this.nonce + 1) % 0x7fffffff;
        this.ping(peer, this.nonce);
      }
    }
  }
}
