import * as Y from 'yjs';
import type { MeshEnv } from './ports';
import type { ClockEntry } from './wire';

/**
 * Ids a peer heard of from lazy neighbours (ihave) and has not received: who announced each
 * client, up to which clock. Those still missing `graftMs` after the first announce are handed
 * to `fetch`, grouped by announcer, as (client, clock held here) entries.
 */
export class MissingIds {
  /** Clients heard of by id and not yet received: who announced them, up to which clock. */
  private readonly missing = new Map<number, { clock: number; from: string }>();
  private cancelGraft: (() => void) | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly env: MeshEnv,
    private readonly graftMs: number,
    /** Whether `peer` is still a neighbour (announcers that left are not asked). */
    private readonly linked: (peer: string) => boolean,
    private readonly fetch: (byPeer: Map<string, ClockEntry[]>) => void,
  ) {}

  get size(): number {
    return this.missing.size;
  }

  /** `from` has `entries`: those ahead of this peer are waited for. */
  announced(from: string, entries: readonly ClockEntry[]): void {
    let added = false;
    for (const { client, clock } of entries) {
      if (Y.getState(this.doc.store, client) >= clock) continue;
      const known = this.missing.get(client);
      if (!known || known.clock < clock) this.missing.set(client, { clock, from });
      added = true;
    }
    if (added) this.cancelGraft ??= this.env.timer(this.graftMs, this.due);
  }

  /** The doc integrated an update covering `clients`: those caught up are no longer missing. */
  arrived(clients: Iterable<number>): void {
    for (const client of clients) {
      const wanted = this.missing.get(client);
      if (wanted && Y.getState(this.doc.store, client) >= wanted.clock) this.missing.delete(client);
    }
  }

  destroy(): void {
    this.cancelGraft?.();
  }

  /** Ids still missing after graftMs: ask their announcers. */
  private readonly due = (): void => {
    this.cancelGraft = undefined;
    const byPeer = new Map<string, ClockEntry[]>();
    for (const [client, { clock, from }] of this.missing) {
      const have = Y.getState(this.doc.store, client);
      if (have >= clock || !this.linked(from)) continue;
      const list = byPeer.get(from) ?? [];
      list.push({ client, clock: have });
      byPeer.set(from, list);
    }
    this.missing.clear();
    this.fetch(byPeer);
  };
}
