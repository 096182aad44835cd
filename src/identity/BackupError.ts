// What a backup's callers need before its code is loaded: the rule a passphrase must meet, and
// the error a backup fails with (IdentityBackup itself loads with the first export or import).

/** Shortest passphrase accepted for a backup. */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Why a backup could not be made or read; `reason` says which, for the UI. */
export class BackupError extends Error {
  constructor(
    readonly reason: 'weak-passphrase' | 'not-extractable' | 'format' | 'wrong-passphrase',
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}
