// The user's own preferences on this device: the port the app reads them through.

/** Longest display name kept, in characters (RoomSession shows at most 64). */
export const MAX_NAME_LENGTH = 64;

/** A display name as typed, cleaned: trimmed, inner whitespace runs made one space, capped. */
export function cleanName(input: string): string {
  return input.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
}

/** The user's preferences. storage/LocalSettings keeps them; MemorySettings is the fake. */
export interface Settings {
  /** The remembered display name, or undefined before the user has chosen one. */
  readonly displayName: string | undefined;
  /** Remembers a display name; throws RangeError for one that is empty once cleaned. */
  setDisplayName(input: string): string;
  /** Whether the user left this direct-message room (so an invitation does not bring it back). */
  hasLeft(roomId: string): boolean;
  /** Remembers that the user left (true) or reopened (false) a direct-message room. */
  setLeft(roomId: string, left: boolean): void;
}

/** Settings for this page only. */
export class MemorySettings implements Settings {
  private name: string | undefined;
  private readonly left = new Set<string>();

  get displayName(): string | undefined {
    return this.name;
  }

  setDisplayName(input: string): string {
    const name = cleanName(input);
    if (!name) throw new RangeError('a display name must not be empty');
    this.name = name;
    return name;
  }

  hasLeft(roomId: string): boolean {
    return this.left.has(roomId);
  }

  setLeft(roomId: string, left: boolean): void {
    if (left) this.left.add(roomId);
    else this.left.delete(roomId);
  }
}
