/**
 * How much of one room's log a single author may make a reader hold: entries and characters
 * of text, counted over the entries this reader verified from them (kinds and entries held
 * for their time included). Past either, the author's further entries are turned away
 * (`quota`), so no member can make the others verify, list, show and store without end.
 * What is turned away depends on what arrived first, so peers may differ about an author
 * past the quota; an honest author stays far below it.
 */

/** The limits (docs/LOG_SCHEMA.md, "Bounds"). */
export interface QuotaLimits {
  /** Entries per author (default 200,000: twice the largest room measured, 100,000). */
  readonly entries: number;
  /** UTF-16 code units of `m` per author (default 32 Mi: 2,048 messages of the 16 Ki limit). */
  readonly chars: number;
}

export const DEFAULT_QUOTA: QuotaLimits = { entries: 200_000, chars: 32 * 1024 * 1024 };

/** Counts what each author has been given so far. */
export class AuthorQuota {
  private readonly used = new Map<string, { entries: number; chars: number }>();

  constructor(private readonly limits: QuotaLimits = DEFAULT_QUOTA) {}

  /** Counts `chars` more for `author` and returns true, or false (counting nothing) when over. */
  take(author: string, chars: number): boolean {
    const used = this.used.get(author) ?? { entries: 0, chars: 0 };
    if (used.entries + 1 > this.limits.entries || used.chars + chars > this.limits.chars) {
      return false;
    }
    used.entries += 1;
    used.chars += chars;
    this.used.set(author, used);
    return true;
  }
}
