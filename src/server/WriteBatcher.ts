/**
 * Coalesces the frames written to one socket during an event-loop turn into one system call.
 * A busy server handles many clients' publishes per turn, and a room's subscribers each get a
 * frame for every one of them; written one by one, each frame is a write(2) of its own, which
 * is most of the CPU a delivery costs. A socket is corked at its first frame of the turn and
 * uncorked in setImmediate (after the turn's I/O callbacks), so its frames leave in one
 * writev(2). Latency grows by less than one turn.
 */
import type { Duplex } from 'node:stream';

/** Corked streams and the bytes written to each this turn. */
const corked = new Map<Duplex, number>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  for (const stream of corked.keys()) stream.uncork();
  corked.clear();
}

/** Writes `frame` to `stream`, batched with the turn's other frames for the same stream. */
export function batchedWrite(stream: Duplex, frame: Buffer): void {
  const pending = corked.get(stream);
  if (pending === undefined) {
    stream.cork();
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }
  corked.set(stream, (pending ?? 0) + frame.length);
  stream.write(frame);
}

/**
 * Bytes queued for `stream` that were there before this turn: what the reader has not taken,
 * as opposed to what this turn has just batched for it (and will hand to the kernel at once).
 */
export function backlog(stream: Duplex): number {
  return stream.writableLength - (corked.get(stream) ?? 0);
}
