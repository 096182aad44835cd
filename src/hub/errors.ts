/** Why a hub call was refused. */
export type HubErrorCode = 'AlreadyExists' | 'NotFound' | 'Closed';

/** A typed error for misuse of the hub API; `code` tells which. */
export class HubError extends Error {
  readonly code: HubErrorCode;

  constructor(code: HubErrorCode, message: string) {
    super(message);
    this.name = `HubError(${code})`;
    this.code = code;
  }
}

/** add() for a (userId, sessionId) pair that is present already. */
export class AlreadyExistsError extends HubError {
  constructor(userId: string, sessionId: string) {
    super('AlreadyExists', `session ${sessionId} of user ${userId} exists already`);
  }
}

/** remove() for a user or session this hub does not have. */
export class NotFoundError extends HubError {
  constructor(userId: string, sessionId: string) {
    super('NotFound', `no session ${sessionId} of user ${userId} in this hub`);
  }
}

/** add/remove/close on a hub that is closed. */
export class ClosedError extends HubError {
  constructor(operation: string) {
    super('Closed', `${operation}: the hub is closed`);
  }
}
