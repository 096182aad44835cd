import type { SegmentOpener } from '../log/sealing';
import type { SignedEntry } from '../log/schema';
import { SegmentError } from '../log/Segment';
import { openSegment } from '../log/SegmentOpen';
import type { SignatureVerifier } from '../log/signing';
import { openedEntries, type OpenReply, type OpenRequest } from './segmentOpening';

/** An idle worker is stopped after this long (started again for the next segment). */
const IDLE_MS = 30_000;

/** Starts the worker; undefined where none can run (Node peers, a browser without workers). */
export type StartWorker = () => Worker | undefined;

const startSegmentWorker: StartWorker = () =>
  typeof Worker === 'undefined'
    ? undefined
    : new Worker(new URL('./segmentOpenWorker.ts', import.meta.url), { type: 'module' });

/** A request sent to the worker, with what its reply settles. */
interface Waiting {
  readonly request: OpenRequest;
  readonly resolve: (entries: SignedEntry[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Where opened segments were opened: for tests and diagnostics. */
export interface SegmentOpenerStats {
  readonly inWorker: number;
  readonly onPage: number;
}

/**
 * Opens segments received from peers on a worker (segmentOpenWorker.ts), so that a newcomer's
 * main thread applies the live document and stores its records while the sealed history it
 * fetched is hashed and its signatures checked beside it. The same checks as openSegment:
 * a refused segment rejects with SegmentError. Where no worker starts, or the worker fails,
 * segments are opened on the page as before, those waiting included: none is lost.
 */
export class WorkerSegmentOpener implements SegmentOpener {
  private worker: Worker | undefined;
  /** A worker could not start or failed: the page opens segments itself from then on. */
  private broken = false;
  private calls = 0;
  private readonly waiting = new Map<number, Waiting>();
  private idle: ReturnType<typeof setTimeout> | undefined;
  private counts = { inWorker: 0, onPage: 0 };

  constructor(
    private readonly verifier: SignatureVerifier,
    private readonly start: StartWorker = startSegmentWorker,
  ) {}

  open(roomId: string, id: string, bytes: Uint8Array): Promise<SignedEntry[]> {
    const worker = this.running();
    if (!worker) return this.onPage({ call: 0, roomId, id, bytes });
    clearTimeout(this.idle);
    const request: OpenRequest = { call: (this.calls += 1), roomId, id, bytes };
    return new Promise((resolve, reject) => {
      this.waiting.set(request.call, { request, resolve, reject });
      worker.postMessage(request);
    });
  }

  /**
   * Starts the worker ahead of the first segment, so that its code is loaded while the
   * segments travel, and has it hash and refuse a few bytes (the reply is not waited for).
   */
  warm(): void {
    if (this.worker || this.broken) return;
    const worker = this.running();
    if (!worker) return;
    const request: OpenRequest = { call: 0, roomId: '', id: '', bytes: new Uint8Array(1024) };
    worker.postMessage(request);
    this.idle = setTimeout(() => this.halt(), IDLE_MS);
  }

  stats(): SegmentOpenerStats {
    return { ...this.counts };
  }

  /** Stops the worker for good (the room is closed): what waits rejects. */
  close(): void {
    this.broken = true;
    for (const { reject } of this.halt()) reject(new Error('the room is closed'));
  }

  /** Stops the worker; returns what waited on it. */
  private halt(): Waiting[] {
    clearTimeout(this.idle);
    this.worker?.terminate();
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    return waiting;
  }

  private running(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      this.worker = this.start();
    } catch {
      this.worker = undefined;
    }
    if (!this.worker) {
      this.broken = true;
      return undefined;
    }
    this.worker.addEventListener('message', (event: MessageEvent<OpenReply>) =>
      this.reply(event.data),
    );
    // A worker script that cannot load or throws: the page takes over what was waiting.
    this.worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail();
    });
    this.worker.addEventListener('messageerror', () => this.fail());
    return this.worker;
  }

  private reply(reply: OpenReply): void {
    const waiting = this.waiting.get(reply.call);
    if (!waiting) return;
    this.waiting.delete(reply.call);
    const entries = 'ids' in reply ? this.read(waiting.request, reply.ids) : undefined;
    if (entries) {
      this.counts.inWorker += 1;
      waiting.resolve(entries);
    } else if ('refused' in reply) {
      this.counts.inWorker += 1;
      waiting.reject(new SegmentError(reply.refused));
    } else {
      // Not a verdict on the segment (the worker's crypto failed, or the ids it sent do not
      // fit the bytes): the page opens it.
      this.onPage(waiting.request).then(waiting.resolve, waiting.reject);
    }
    // Idle: stopped, and started again for the next segment.
    if (this.waiting.size === 0) this.idle = setTimeout(() => this.halt(), IDLE_MS);
  }

  /** The entries the worker opened, read from the bytes sent it; undefined if they do not fit. */
  private read({ bytes }: OpenRequest, ids: string): SignedEntry[] | undefined {
    try {
      return openedEntries(bytes, ids);
    } catch {
      return undefined;
    }
  }

  private fail(): void {
    this.broken = true;
    for (const { request, resolve, reject } of this.halt()) {
      this.onPage(request).then(resolve, reject);
    }
  }

  private onPage({ roomId, id, bytes }: OpenRequest): Promise<SignedEntry[]> {
    this.counts.onPage += 1;
    return openSegment(roomId, id, bytes, this.verifier);
  }
}
