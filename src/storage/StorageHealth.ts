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
    'Storage is full. New messages are kept in this tab only and are lost when it closes. ' +
    'Free up disk space, or export and leave rooms you no longer need.',
  unavailable:
    'This browser does not let the app save data here (a private window, or site data is ' +
    'blocked). History is kept in this tab only, until it closes.',
  closed:
    'Saving stopped: the database was closed (the app was updated in another tab, or site ' +
    'data was cleared). Reload the page to save again.',
  failed: 'Saving failed. New messages are kept in this tab only, until it closes.',
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

/** The status a failure puts storage in. */
export function degradedStatus(error: unknown): StorageStatus {
  const kind = classifyStorageError(error);
  return { state: 'degraded', kind, message: MESSAGES[kind], error };
}

/**
 * Whether persistent storage works, as an observable the UI can show. It starts `ok` and turns
 * `degraded` at the first failure reported to it, for the rest of the page's life: from then
 * on the stores it watches keep data in memory only (a reload tries the disk again). Later
 * failures are counted but keep the first, root-cause message.
 */
export class StorageHealth {
  private current: StorageStatus = { state: 'ok' };
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

  /** Records a storage failure; returns the resulting status. Never throws. */
  report(error: unknown): StorageStatus {
    this.failureCount += 1;
    if (this.current.state === 'ok') {
      this.current = degradedStatus(error);
      for (const listener of [...this.listeners]) {
        try {
          listener(this.current);
        } catch {
          // A broken UI callback must not turn a storage failure into a crash.
        }
      }
    }
    return this.current;
  }
}
