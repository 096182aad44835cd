import { expect } from '@esm-bundle/chai';
import { InvalidArgumentError } from './errors';
import { LocalSettings, SETTINGS_KEY } from './LocalSettings';
import { StorageHealth } from './StorageHealth';

const KEY = 'meshchat-settings-test';

/** A Storage whose writes fail as a full disk makes them. */
class FullStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(): void {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  }
}

describe('LocalSettings', () => {
  afterEach(() => localStorage.removeItem(KEY));

  it('keeps the display name across instances (a reload), trimmed', () => {
    expect(new LocalSettings({ key: KEY }).get()).to.deep.equal({});
    new LocalSettings({ key: KEY }).set({ displayName: '  Ada  ' });
    expect(new LocalSettings({ key: KEY }).get()).to.deep.equal({ displayName: 'Ada' });
    expect(new LocalSettings({ key: KEY }).set({ displayName: undefined })).to.deep.equal({});
    expect(new LocalSettings({ key: KEY }).get()).to.deep.equal({});
    expect(SETTINGS_KEY).to.equal('meshchat-settings');
  });

  it('refuses an empty or overlong name with a typed error', () => {
    const settings = new LocalSettings({ key: KEY });
    expect(() => settings.set({ displayName: '   ' })).to.throw(InvalidArgumentError, /username/);
    expect(() => settings.set({ displayName: 'x'.repeat(65) })).to.throw(InvalidArgumentError);
  });

  it('reads a damaged value as no settings', () => {
    localStorage.setItem(KEY, '{not json');
    expect(new LocalSettings({ key: KEY }).get()).to.deep.equal({});
    localStorage.setItem(KEY, JSON.stringify({ displayName: 42 }));
    expect(new LocalSettings({ key: KEY }).get()).to.deep.equal({});
  });

  it('on QuotaExceededError reports degraded health and keeps the setting in memory', () => {
    const health = new StorageHealth();
    const settings = new LocalSettings({ storage: new FullStorage(), health });
    expect(settings.set({ displayName: 'Ada' })).to.deep.equal({ displayName: 'Ada' });
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('quota');
    expect(settings.get()).to.deep.equal({ displayName: 'Ada' });
  });
});
