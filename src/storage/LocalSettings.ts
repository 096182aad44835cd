// The user's preferences on this device in Web Storage: a few bytes, needed synchronously at
// start-up (the name screen renders before anything async), shared by the tabs.
import { cleanName, type Settings } from '../app/Settings';

const NAME_KEY = 'meshchat:displayName';
const LEFT_KEY = 'meshchat:leftDirectRooms';

/**
 * Preferences kept in Web Storage (localStorage in the app, any Storage in tests). A storage
 * that throws (a private window, storage disabled) is treated as empty and forgets writes.
 */
export class LocalSettings implements Settings {
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  private name: string | undefined;
  private readonly left = new Set<string>();

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined) {
    this.storage = storage;
    try {
      const stored = cleanName(storage?.getItem(NAME_KEY) ?? '');
      this.name = stored || undefined;
      const left: unknown = JSON.parse(storage?.getItem(LEFT_KEY) ?? '[]');
      if (Array.isArray(left)) {
        for (const id of left as unknown[]) if (typeof id === 'string') this.left.add(id);
      }
    } catch {
      this.name ??= undefined;
    }
  }

  /** Whether the user left this direct-message room (so an invitation does not bring it back). */
  hasLeft(roomId: string): boolean {
    return this.left.has(roomId);
  }

  /** Remembers that the user left (true) or reopened (false) a direct-message room. */
  setLeft(roomId: string, left: boolean): void {
    if (left) this.left.add(roomId);
    else if (!this.left.delete(roomId)) return;
    this.write(LEFT_KEY, JSON.stringify([...this.left].slice(-200)));
  }

  /** The remembered display name, or undefined before the user has chosen one. */
  get displayName(): string | undefined {
    return this.name;
  }

  /** Remembers a display name; throws RangeError for one that is empty once cleaned. */
  setDisplayName(input: string): string {
    const name = cleanName(input);
    if (!name) throw new RangeError('a display name must not be empty');
    this.name = name;
    this.write(NAME_KEY, name);
    return name;
  }

  private write(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      // Kept for this page only: after a reload the user is asked again.
    }
  }
}
