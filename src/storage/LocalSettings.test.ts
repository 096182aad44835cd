import { expect } from '@esm-bundle/chai';
import { cleanName, MAX_NAME_LENGTH } from '../app/Settings';
import { LocalSettings as Settings } from './LocalSettings';

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('Settings', () => {
  it('has no name at first, remembers one across instances', () => {
    const storage = new MapStorage();
    expect(new Settings(storage).displayName).to.equal(undefined);
    new Settings(storage).setDisplayName('  Ann  ');
    expect(new Settings(storage).displayName).to.equal('Ann');
  });

  it('refuses an empty or whitespace-only name', () => {
    const settings = new Settings(new MapStorage());
    expect(() => settings.setDisplayName('   \n ')).to.throw(RangeError);
    expect(settings.displayName).to.equal(undefined);
  });

  it('cleans names: one line, capped', () => {
    expect(cleanName(' a \n  b ')).to.equal('a b');
    expect(cleanName('x'.repeat(100)).length).to.equal(MAX_NAME_LENGTH);
  });

  it('works when storage throws', () => {
    const broken = {
      getItem: (): string | null => {
        throw new Error('denied');
      },
      setItem: (): void => {
        throw new Error('denied');
      },
    };
    const settings = new Settings(broken);
    expect(settings.displayName).to.equal(undefined);
    expect(settings.setDisplayName('Ann')).to.equal('Ann');
    expect(settings.displayName).to.equal('Ann');
  });

  it('remembers direct-message rooms the user left', () => {
    const storage = new MapStorage();
    new Settings(storage).setLeft('dm-abcdefgh', true);
    expect(new Settings(storage).hasLeft('dm-abcdefgh')).to.equal(true);
    const settings = new Settings(storage);
    settings.setLeft('dm-abcdefgh', false);
    expect(new Settings(storage).hasLeft('dm-abcdefgh')).to.equal(false);
  });
});
