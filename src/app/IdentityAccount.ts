// "Your identity" as the app shows it: the key to compare, what the browser's storage policy
// means for it, export and import of the identity, and safety numbers with other users.
import { BackupError, MIN_PASSPHRASE_LENGTH } from '../identity/BackupError';
import { persistenceMessage, type PersistenceState } from '../identity/persistentStorage';
import { keyDigits, safetyNumber } from '../identity/safetyNumber';
import { fingerprint, isUserId, type UserId } from '../identity/UserId';

/** The part of identity/Identity this uses (main.ts passes the real one). */
export interface KeptIdentity {
  readonly userId: UserId;
  /** Whether the private key can leave this browser (identities made before backups cannot). */
  readonly exportable: boolean;
  /** The identity as backup text, encrypted under `passphrase`; rejects with BackupError. */
  backup(passphrase: string): Promise<string>;
}

export interface IdentityAccountOptions {
  readonly identity: KeptIdentity;
  /**
   * Makes the identity in backup `text` this browser's identity (saved in its key store);
   * rejects with BackupError, leaving the stored identity as it was.
   */
  readonly restore: (text: string, passphrase: string) => Promise<void>;
  /** Asks the browser to keep this site's storage (requestPersistence). */
  readonly persist: () => Promise<PersistenceState>;
  /** Starts the app again, as the identity now stored (location.reload()). */
  readonly reload: () => void;
}

/** Said when an identity made before backups existed is asked for a backup. */
export const NOT_EXPORTABLE_NOTE =
  'This identity was made by an earlier version of MeshChat that kept keys locked inside this ' +
  'browser, so it cannot be exported. It keeps working here. To use one identity on several ' +
  'devices, export one from another device and import it here (this device then becomes that user).';

/**
 * The local user's identity as the app offers it. Asks for persistent storage once
 * (askToKeep, when the user has something to keep), makes backups, and restores one: after a
 * restore the app starts again as that user, so every room sees this device as them.
 */
export class IdentityAccount {
  readonly userId: UserId;
  /** The key tag shown beside the user's name. */
  readonly tag: string;
  private readonly options: IdentityAccountOptions;
  private readonly listeners = new Set<() => void>();
  private persistence: PersistenceState | undefined;
  private asking: Promise<PersistenceState> | undefined;
  private problemText = '';
  private ownDigits = '';

  constructor(options: IdentityAccountOptions) {
    this.options = options;
    this.userId = options.identity.userId;
    this.tag = fingerprint(this.userId);
    void keyDigits(this.userId).then((digits) => {
      this.ownDigits = digits;
      this.changed();
    });
  }

  /** The whole key as 60 digits ('' until computed). */
  get digits(): string {
    return this.ownDigits;
  }

  get exportable(): boolean {
    return this.options.identity.exportable;
  }

  /** What the last export or import could not do, for the user ('' when nothing). */
  get problem(): string {
    return this.problemText;
  }

  /** The storage outcome once asked, else undefined. */
  get storage(): PersistenceState | undefined {
    return this.persistence;
  }

  /** What the storage outcome means for the user ('' before asking). */
  get storageNote(): string {
    return this.persistence ? persistenceMessage(this.persistence) : '';
  }

  /** Calls `listener` whenever what this shows changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the browser, once per page, to keep this site's storage; later calls give the first
   * answer. Called once the user has a room (something to lose), and when the panel opens.
   */
  askToKeep(): Promise<PersistenceState> {
    this.asking ??= this.options.persist().then((state) => {
      this.persistence = state;
      this.changed();
      return state;
    });
    return this.asking;
  }

  /**
   * The backup text for `passphrase`, or undefined with `problem` set (a short passphrase, an
   * identity that cannot be exported).
   */
  async exportBackup(passphrase: string): Promise<string | undefined> {
    if (!this.exportable) return this.fail(NOT_EXPORTABLE_NOTE);
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      return this.fail(`Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`);
    }
    try {
      const text = await this.options.identity.backup(passphrase);
      this.setProblem('');
      return text;
    } catch (error) {
      return this.fail(describe(error));
    }
  }

  /**
   * Makes the identity in backup `text` this device's, then starts the app again as that
   * user. Resolves to false with `problem` set when the file or passphrase is wrong (nothing
   * changes then).
   */
  async importBackup(text: string, passphrase: string): Promise<boolean> {
    try {
      if (!text.trim()) throw new BackupError('format', 'no file');
      await this.options.restore(text, passphrase);
    } catch (error) {
      this.setProblem(text.trim() ? describe(error) : 'Choose the backup file first.');
      return false;
    }
    this.setProblem('');
    this.options.reload();
    return true;
  }

  /**
   * The 60-digit safety number of this user and `other`, the same on both sides: equal numbers
   * mean each sees the other's real key. Rejects with a RangeError for a malformed user id.
   */
  safetyNumberWith(other: string): Promise<string> {
    if (!isUserId(other)) return Promise.reject(new RangeError('not a user id'));
    return safetyNumber(this.userId, other);
  }

  private fail(problem: string): undefined {
    this.setProblem(problem);
    return undefined;
  }

  private setProblem(problem: string): void {
    this.problemText = problem;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function describe(error: unknown): string {
  if (error instanceof BackupError) {
    switch (error.reason) {
      case 'wrong-passphrase':
        return 'That passphrase does not open this backup (or the file was changed).';
      case 'format':
        return 'This file is not a MeshChat identity backup.';
      case 'weak-passphrase':
        return `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters.`;
      case 'not-extractable':
        return NOT_EXPORTABLE_NOTE;
    }
  }
  return `Something went wrong: ${error instanceof Error ? error.message : String(error)}`;
}
