// Browsers may evict a site's IndexedDB under storage pressure unless the site's storage is
// persistent; for this app that would make the user a stranger in every room.

/** What asking for persistent storage gave. */
export type PersistenceState = 'persistent' | 'refused' | 'unsupported';

/** The part of `navigator.storage` this uses. */
export type StorageManagerLike = Pick<StorageManager, 'persist' | 'persisted'>;

/**
 * Asks the browser to keep this site's storage (identity, rooms, history) unless the user
 * clears it; resolves to the outcome, never rejects. Chrome grants it without a prompt to an
 * installed or often-used site, Firefox asks the user. `storage` is navigator.storage unless
 * given (null: there is none).
 */
export async function requestPersistence(
  storage: Partial<StorageManagerLike> | null | undefined = (
    globalThis as { navigator?: { storage?: Partial<StorageManagerLike> } }
  ).navigator?.storage,
): Promise<PersistenceState> {
  if (typeof storage?.persist !== 'function' || typeof storage.persisted !== 'function') {
    return 'unsupported';
  }
  try {
    if (await storage.persisted()) return 'persistent';
    return (await storage.persist()) ? 'persistent' : 'refused';
  } catch {
    return 'refused';
  }
}

/** What each outcome means for the user, in words for the UI. */
export function persistenceMessage(state: PersistenceState): string {
  switch (state) {
    case 'persistent':
      return 'This browser keeps your identity and rooms until you clear them yourself.';
    case 'refused':
      return 'This browser may delete your identity and rooms when it runs short of space: you would be a new user in every room. Export your identity to keep it, or install the app.';
    case 'unsupported':
      return 'This browser does not say whether it keeps your data. Export your identity to keep it.';
  }
}
