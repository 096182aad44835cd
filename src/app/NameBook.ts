// Display names as people claimed them in their signed presence cards, remembered after they
// leave so that old messages keep their author's name; and the labels that tell apart users
// whose names look alike.
import { nameSkeleton, normalizeName } from '../identity/names';
import { fingerprint, isUserId } from '../identity/UserId';

const NAMES_KEY = 'meshchat:names';
const FILE_NAMES_KEY = 'meshchat:file-names';
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
 * alike. Names that came only with an imported file (unsigned claims) label a user whose
 * signed name is unknown, marked `Ann (unverified)`; they never replace a signed name.
 */
export class NameBook {
  private readonly names = new Map<string, string>();
  /** When each user's name was signed (ms), where known. */
  private readonly signedAt = new Map<string, number>();
  /** How many known users have each skeleton. */
  private readonly skeletons = new Map<string, number>();
  /** Names from imported files, by user id (most recently learned last). */
  private readonly fileNames = new Map<string, string>();
  /** How many file names have each skeleton. */
  private readonly fileSkeletons = new Map<string, number>();
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
    try {
      const stored: unknown = JSON.parse(storage?.getItem(FILE_NAMES_KEY) ?? '[]');
      for (const pair of Array.isArray(stored) ? (stored as unknown[]) : []) {
        const [userId, name] = Array.isArray(pair) ? (pair as unknown[]) : [];
        const clean = typeof name === 'string' ? normalizeName(name) : '';
        if (typeof userId === 'string' && clean) this.putFileName(userId, clean);
      }
    } catch {
      // Unreadable storage: importing the file again brings them back.
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

  /** The signed name of `userId`, if known. */
  name(userId: string): string | undefined {
    return this.names.get(userId);
  }

  /**
   * Takes note of a name an imported file gives for `userId`: an unsigned claim, shown (marked
   * unverified) only while no signed name of the user is known. Returns whether a label changed.
   */
  learnUnverified(userId: string, name: string): boolean {
    const clean = normalizeName(name);
    if (!clean || this.fileNames.get(userId) === clean) return false;
    this.putFileName(userId, clean);
    while (this.fileNames.size > MAX_STORED) {
      const [oldest] = this.fileNames.keys();
      if (oldest === undefined) break;
      this.deleteFileName(oldest);
    }
    try {
      this.storage?.setItem(FILE_NAMES_KEY, JSON.stringify([...this.fileNames]));
    } catch {
      // Quota: the names stay known for this page.
    }
    if (this.names.has(userId)) return false;
    this.version += 1;
    return true;
  }

  /** The name a file gave for `userId`, when no signed one is known; else undefined. */
  unverifiedName(userId: string): string | undefined {
    return this.names.has(userId) ? undefined : this.fileNames.get(userId);
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
    if (name === undefined) {
      const claimed = this.fileNames.get(userId);
      if (claimed === undefined) return `Unknown (${tagOf(userId)})`;
      // Tagged when it looks like anyone else's name, signed or from a file.
      const skeleton = nameSkeleton(claimed);
      const clash =
        (this.skeletons.get(skeleton) ?? 0) > 0 || (this.fileSkeletons.get(skeleton) ?? 0) > 1;
      return clash ? `${claimed} (unverified, ${tagOf(userId)})` : `${claimed} (unverified)`;
    }
    return this.isAmbiguous(userId) ? `${name} (${tagOf(userId)})` : name;
  }

  private putFileName(userId: string, name: string): void {
    this.deleteFileName(userId);
    this.fileNames.set(userId, name);
    const skeleton = nameSkeleton(name);
    this.fileSkeletons.set(skeleton, (this.fileSkeletons.get(skeleton) ?? 0) + 1);
  }

  private deleteFileName(userId: string): void {
    const previous = this.fileNames.get(userId);
    if (previous === undefined) return;
    this.fileNames.delete(userId);
    const skeleton = nameSkeleton(previous);
    const count = (this.fileSkeletons.get(skeleton) ?? 1) - 1;
    if (count > 0) this.fileSkeletons.set(skeleton, count);
    else this.fileSkeletons.delete(skeleton);
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
