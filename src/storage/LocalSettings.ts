import { InvalidArgumentError, StorageUnavailableError } from './errors';
import type { StorageHealth } from './StorageHealth';

/** The user's settings on this device. */
export interface Settings {
  /** The name shown to others (a claim, not an identity). */
  readonly displayName?: string;
}

/** Longest display name, as presence shows it. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

/** The localStorage key the settings live under. */
export const SETTINGS_KEY = 'meshchat-settings';

/** Options of {@link LocalSettings}. */
export interface LocalSettingsOptions {
  /** Where to keep them; window.localStorage unless given, null for memory only. */
  readonly storage?: Storage | null;
  readonly key?: string;
  /** Told when the storage refuses (blocked, full); the settings then live in memory. */
  readonly health?: StorageHealth;
}

/**
 * The settings, in localStorage: a few bytes, needed synchronously at startup (the name screen
 * renders before anything async), shared by the tabs. IndexedDB would buy nothing here. If
 * localStorage is blocked or full, the failure goes to `health` and the settings live in memory
 * for this page. A damaged value reads as no settings.
 */
export class LocalSettings {
  private readonly key: string;
  private readonly health: StorageHealth | undefined;
  private storage: Storage | undefined;
  private memory: Settings = {};

  constructor(options: LocalSettingsOptions = {}) {
    this.key = options.key ?? SETTINGS_KEY;
    this.health = options.health;
    this.storage =
      options.storage === undefined ? this.defaultStorage() : (options.storage ?? undefined);
  }

  /** The settings now. Never throws. */
  get(): Settings {
    if (!this.storage) return this.memory;
    try {
      return decode(this.storage.getItem(this.key));
    } catch (error) {
      this.fail(error);
      return this.memory;
    }
  }

  /**
   * Changes settings; `displayName: undefined` removes it. Throws InvalidArgumentError for a
   * name that is empty (after trimming) or longer than MAX_DISPLAY_NAME_LENGTH; never for
   * storage trouble.
   */
  set(patch: Settings): Settings {
    const next: { displayName?: string } = { ...this.get() };
    if ('displayName' in patch) {
      const name = patch.displayName;
      if (name === undefined) delete next.displayName;
      else next.displayName = checkedName(name);
    }
    this.memory = next;
    if (this.storage) {
      try {
        this.storage.setItem(this.key, JSON.stringify(next));
      } catch (error) {
        this.fail(error);
      }
    }
    return next;
  }

  private fail(error: unknown): void {
    this.storage = undefined;
    this.health?.report(error);
  }

  private defaultStorage(): Storage | undefined {
    try {
      // Reading window.localStorage itself throws SecurityError where site data is blocked.
      return window.localStorage;
    } catch (error) {
      this.health?.report(new StorageUnavailableError('localStorage is blocked', { cause: error }));
      return undefined;
    }
  }
}

function checkedName(name: unknown): string {
  if (typeof name !== 'string') throw new InvalidArgumentError('displayName must be a string');
  const trimmed = name.trim();
  if (trimmed === '') throw new InvalidArgumentError('please enter a username');
  if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) {
    throw new InvalidArgumentError(`a username has at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  }
  return trimmed;
}

function decode(raw: string | null): Settings {
  if (raw === null) return {};
  try {
    const value = JSON.parse(raw) as unknown;
    if (typeof value !== 'object' || value === null) return {};
    const name = (value as { displayName?: unknown }).displayName;
    return typeof name === 'string' && name.trim() !== '' && name.length <= MAX_DISPLAY_NAME_LENGTH
      ? { displayName: name }
      : {};
  } catch {
    return {};
  }
}
