// The harness's sending and timing calls: messages sent in bursts or paced, when they arrived,
// and which of them this page holds.
import * as Y from 'yjs';
import { arrivals, state, wallClock } from './pageState';

export const traffic = {
  send(text: string): string | undefined {
    return state.session?.send(text);
  },
  /** Sends `count` messages as fast as the API allows. */
  burst(count: number, prefix: string): void {
    for (let i = 0; i < count; i += 1) state.session?.send(`${prefix} ${i}`);
  },
  /** Sends `count` messages `gapMs` apart, each carrying its send time; resolves when sent. */
  async paced(count: number, gapMs: number, prefix: string): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      state.session?.send(`${prefix}|${i}|${wallClock()}`);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  },
  /** One-way delays (ms) of the messages with this prefix that have arrived here. */
  delays(prefix: string): number[] {
    const out: number[] = [];
    for (const [text, at] of arrivals) {
      const [p, , sent] = text.split('|');
      if (p === prefix) out.push(at - Number(sent));
    }
    return out;
  },
  /** The latest arrival among messages whose text starts with `prefix`, and how many came. */
  lastArrival(prefix: string): { count: number; at: number } {
    let count = 0;
    let at = 0;
    for (const [text, time] of arrivals) {
      if (!text.startsWith(prefix)) continue;
      count += 1;
      at = Math.max(at, time);
    }
    return { count, at };
  },
  /** When this tab first had a WebRTC peer (wall clock), if it has. */
  connectedAt(): number | undefined {
    return state.firstPeerAt;
  },
  /** When the message with this exact text arrived (wall clock), if it has. */
  arrivedAt(text: string): number | undefined {
    return arrivals.get(text);
  },
  now(): number {
    return wallClock();
  },
  /** Whether every one of these message ids is held (verified) here. */
  hasAll(ids: string[]): boolean {
    return ids.every((id) => state.session?.log.get(id) !== undefined);
  },
  /** Size of the room document's full state, as a new peer receives it. */
  docBytes(): number {
    return state.session ? Y.encodeStateAsUpdate(state.session.doc).length : 0;
  },
  /** Ids of the newest `count` messages held here, in order. */
  newestIds(count: number): string[] {
    return (state.session?.log.page(count) ?? []).map((e) => e.id);
  },
};
