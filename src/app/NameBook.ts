// Display names as people claimed them in their signed presence cards, remembered after they
// leave so that old messages keep their author's name; and the labels that tell apart users
// whose names look alike.
import { nameSkeleton, normalizeName } from '../identity/names';
import { fingerprint, isUserId } from '../identity/UserId';

const NAMES_KEY = 'meshchat:names';
/** How many users' names are kept in storage (most recently learned kept). */
const MAX_STORED = 500;

/** A user's short key tag, e.g. `3f9a-07c2-11d4` (see fingerprint). */
export function tagOf(userId: string): string {
  return isUserId(userId) ? fingerprint(userId) : userId.slice(0, 9);
}

/**
 * Who is called what. A display name is a claim, not an identity: names are normalized (NFKC,
 * no invisible characters), and the label of a user whose name looks like the name of
 * another known user (same skeleton: case, accents, look-alike letters of other scripts)
 * carries the key tag, `Ann (3f9a-07c2-11d4)`, and so does the label of a user whose name is
 * unknown. A name learned with the time its card was signed replaces only an older one, so a
 * replayed old card cannot rename anyone. Every tab that knows the same users labels them
 * alike.
 */
export class NameBook {
  private readonly names = new Map<string, string>();
  /** When each user's name was signed (ms), where known. */
  private readonly signedAt = new Map<string, number>();
  /** How many known users have each skeleton. */
  private readonly skeletons = new Map<string, number>();
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  private version = 0;

  constructor(storage?: Pick<Storage, 'getItem' | 'setItem'>) {
    this.storage = storage;
    try {
      const stored: unknown = JSON.parse(storage?.getItem(NAMES_KEY) ?? '[]');
      for (const pair of Array.isArray(stored) ? (stored as unknown[]) : []) {
        if (!Array.isArray(pair)) continue;
        const [userId, name] = pair as unknown[];
        const clean = typeof name === 'string' ? normalizeName(name) : '';
        if (typeof userId === 'string' && clean) this.put(userId, clean);
        const at = (pair as unknown[])[2];
        if (typeof userId === 'string' && Number.isSafeInteger(at)) {
          this.signedAt.set(userId, at as number);
        }
      }
    } catch {
      // Unreadable storage: names are learned again from presence.
    }
  }

  /** Grows whenever a name changes; lets views know when to relabel. */
  get revision(): number {
    return this.version;
  }

  /**
   * Takes note of a claimed name, signed at `signedAt` (ms, from the card) when known; a name
   * signed before the one held is ignored. Returns whether anything changed.
   */
  learn(userId: string, name: string, signedAt?: number): boolean {
    const clean = normalizeName(name);
    if (!clean) return false;
    const held = this.signedAt.get(userId);
    if (signedAt !== undefined && held !== undefined && signedAt < held) return false;
    if (signedAt !== undefined) this.signedAt.set(userId, signedAt);
    if (this.names.get(userId) === clean) return false;
    this.put(userId, clean);
    this.version += 1;
    this.save();
    return true;
  }

  name(userId: string): string | undefined {
    return this.names.get(userId);
  }

  /** Whether another known user's name looks like `userId`'s (see nameSkeleton). */
  isAmbiguous(userId: string): boolean {
    const name = this.names.get(userId);
    if (name === undefined) return false;
    return (this.skeletons.get(nameSkeleton(name)) ?? 0) > 1;
  }

  /** What to call `userId` in the transcript and lists. */
  label(userId: string): string {
    const name = this.names.get(userId);
    if (name === undefined) return `Unknown (${tagOf(userId)})`;
    return this.isAmbiguous(userId) ? `${name} (${tagOf(userId)})` : name;
  }

  /** Sets a user's name (most recently learned last), keeping the skeleton counts. */
  private put(userId: string, name: string): void {
    const previous = this.names.get(userId);
    if (previous !== undefined) {
      const skeleton = nameSkeleton(previous);
      const count = (this.skeletons.get(skeleton) ?? 1) - 1;
      if (count > 0) this.skeletons.set(skeleton, count);
      else this.skeletons.delete(skeleton);
      this.names.delete(userId);
    }
    this.names.set(userId, name);
    const skeleton = nameSkeleton(name);
    this.skeletons.set(skeleton, (this.skeletons.get(skeleton) ?? 0) + 1);
  }

  private save(): void {
    if (!this.storage) return;
    const pairs = [...this.names]
      .slice(-MAX_STORED)
      .map(([userId, name]) => [userId, name, this.signedAt.get(userId) ?? null]);
    try {
      this.storage.setItem(NAMES_KEY, JSON.stringify(pairs));
    } catch {
      // Quota: names stay known for this page.
    }
  }
}
