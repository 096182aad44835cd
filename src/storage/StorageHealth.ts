import { StorageUnavailableError } from './errors';

/** What went wrong with persistent storage, coarsely, for the UI to explain. */
export type StorageFailureKind = 'quota' | 'unavailable' | 'closed' | 'failed';

/** Whether what the user sees is being saved. */
export type StorageStatus =
  | { readonly state: 'ok' }
  | {
      readonly state: 'degraded';
      readonly kind: StorageFailureKind;
      /** One or two sentences the UI can show as they are. */
      readonly message: string;
      /** The first error that caused it. */
      readonly error: unknown;
    };

const MESSAGES: Record<StorageFailureKind, string> = {
  quota:
    'Storage is full. New messages are kept in this tab only, and saved once there is room ' +
    'again (the app keeps trying). Free up disk space, or export and leave rooms you no ' +
    'longer need.',
  unavailable:
    'This browser does not let the app save data here (a private window, or site data is ' +
    'blocked). History is kept in this tab only, until it closes.',
  closed:
    'Saving stopped: the database was closed (the app was updated in another tab, or site ' +
    'data was cleared). Reload the page to save again.',
  failed:
    'Saving failed. The app keeps trying; until it succeeds, new messages are kept in this ' +
    'tab only.',
};

/** Sorts an error thrown by IndexedDB (or by us about IndexedDB) into a failure kind. */
export function classifyStorageError(error: unknown): StorageFailureKind {
  if (error instanceof StorageUnavailableError) return 'unavailable';
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'QuotaExceededError':
    case 'NS_ERROR_DOM_QUOTA_REACHED':
      return 'quota';
    case 'InvalidStateError':
    case 'TransactionInactiveError':
      return 'closed';
    case 'SecurityError':
    case 'NotAllowedError':
    case 'UnknownError':
    case 'VersionError':
      return 'unavailable';
    default:
      return 'failed';
  }
}

const OK: StorageStatus = { state: 'ok' };

/** The status a failure puts storage in. */
export function degradedStatus(error: unknown): StorageStatus {
  const kind = classifyStorageError(error);
  return { state: 'degraded', kind, message: MESSAGES[kind], error };
}

/**
 * Whether persistent storage works, as an observable the UI can show. It starts `ok` and turns
 * `degraded` at a failure reported to it. A failure reported with a `source` (a store that
 * keeps what it could not write and tries again) lasts until that source reports it has
 * recovered; one reported without (the database would not open, or was closed) lasts for the
 * rest of the page's life. While several last, the status is the oldest one's; later failures
 * of a source are counted but keep its first, root-cause message.
 */
export class StorageHealth {
  private current: StorageStatus = OK;
  /** The failure that lasts for the page's life, if there was one. */
  private lasting: StorageStatus | undefined;
  /** Failures of sources that retry, by source, oldest first. */
  private readonly failing = new Map<object, StorageStatus>();
  private failureCount = 0;
  private readonly listeners = new Set<(status: StorageStatus) => void>();

  /** The status now. */
  get status(): StorageStatus {
    return this.current;
  }

  /** True while everything is saved to disk. */
  get ok(): boolean {
    return this.current.state === 'ok';
  }

  /** How many failures were reported, the first included. */
  get failures(): number {
    return this.failureCount;
  }

  /**
   * Calls `listener` on every change of status (not with the current one: read `status`).
   * Returns an unsubscribe function.
   */
  subscribe(listener: (status: StorageStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records a storage failure, of `source` if it will try again and say when it has
   * recovered; returns the resulting status. Never throws.
   */
  report(error: unknown, source?: object): StorageStatus {
    this.failureCount += 1;
    if (source === undefined) this.lasting ??= degradedStatus(error);
    else if (!this.failing.has(source)) this.failing.set(source, degradedStatus(error));
    this.settle();
    return this.current;
  }

  /** `source` wrote what it had kept: its failure is over. Never throws. */
  recovered(source: object): StorageStatus {
    if (this.failing.delete(source)) this.settle();
    return this.current;
  }

  private settle(): void {
    const [oldest] = this.failing.values();
    const next = this.lasting ?? oldest ?? OK;
    if (next === this.current) return;
    this.current = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(this.current);
      } catch {
        // A broken UI callback must not turn a storage failure into a crash.
      }
    }
  }
}
