// Display names as people claimed them in awareness, remembered after they leave so that old
// messages keep their author's name; and the labels that tell same-named users apart.
import { fingerprint, isUserId } from '../identity/UserId';

const NAMES_KEY = 'meshchat:names';
/** How many users' names are kept in storage (most recently learned kept). */
const MAX_STORED = 500;

/** A user's short key tag, e.g. `3f9a-07c2` (see fingerprint). */
export function tagOf(userId: string): string {
  return isUserId(userId) ? fingerprint(userId) : userId.slice(0, 9);
}

/**
 * Who is called what. A display name is a claim, not an identity: the label of a user whose
 * name another known user also claims carries the key tag, `Ann (3f9a-07c2)`, and so does the
 * label of a user whose name is unknown. Every tab that knows the same users labels them alike.
 */
export class NameBook {
  private readonly names = new Map<string, string>();
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  private version = 0;

  constructor(storage?: Pick<Storage, 'getItem' | 'setItem'>) {
    this.storage = storage;
    try {
      const stored: unknown = JSON.parse(storage?.getItem(NAMES_KEY) ?? '[]');
      for (const pair of Array.isArray(stored) ? (stored as unknown[]) : []) {
        if (!Array.isArray(pair)) continue;
        const [userId, name] = pair as unknown[];
        if (typeof userId === 'string' && typeof name === 'string' && name) {
          this.names.set(userId, name.slice(0, 64));
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

  /** Takes note of a claimed name; returns whether anything changed. */
  learn(userId: string, name: string): boolean {
    const clean = name.replace(/\s+/g, ' ').trim().slice(0, 64);
    if (!clean || this.names.get(userId) === clean) return false;
    this.names.delete(userId);
    this.names.set(userId, clean);
    this.version += 1;
    this.save();
    return true;
  }

  name(userId: string): string | undefined {
    return this.names.get(userId);
  }

  /** Whether another known user claims the same name as `userId`. */
  isAmbiguous(userId: string): boolean {
    const name = this.names.get(userId);
    if (name === undefined) return false;
    const folded = name.toLocaleLowerCase();
    for (const [other, otherName] of this.names) {
      if (other !== userId && otherName.toLocaleLowerCase() === folded) return true;
    }
    return false;
  }

  /** What to call `userId` in the transcript and lists. */
  label(userId: string): string {
    const name = this.names.get(userId);
    if (name === undefined) return `Unknown (${tagOf(userId)})`;
    return this.isAmbiguous(userId) ? `${name} (${tagOf(userId)})` : name;
  }

  private save(): void {
    if (!this.storage) return;
    const pairs = [...this.names].slice(-MAX_STORED);
    try {
      this.storage.setItem(NAMES_KEY, JSON.stringify(pairs));
    } catch {
      // Quota: names stay known for this page.
    }
  }
}
