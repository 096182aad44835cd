/** Why a storage call was refused: misuse of the API, not a failing disk (see StorageHealth). */
export type StorageErrorCode = 'Destroyed' | 'InvalidArgument';

/** A typed error for misuse of the storage API; `code` tells which. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string) {
    super(message);
    this.name = `StorageError(${code})`;
    this.code = code;
  }
}

/** A call on a store, listener or persistence after its destroy(). */
export class DestroyedError extends StorageError {
  constructor(what: string) {
    super('Destroyed', `${what}: used after destroy()`);
  }
}

/** An argument a caller must get right (a page size, a room record). */
export class InvalidArgumentError extends StorageError {
  constructor(message: string) {
    super('InvalidArgument', message);
  }
}

/**
 * A file handed to parseJsonLines is not a JSON Lines export at all (binary, or not one line
 * of it is JSON). A JSON Lines file with some bad lines is not this: those are reported per line.
 */
export class JsonLinesFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonLinesFormatError';
  }
}

/** IndexedDB cannot be used in this browser context (absent, blocked, or it never opened). */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
