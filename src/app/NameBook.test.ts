import { expect } from '@esm-bundle/chai';
import { NameBook, tagOf } from './NameBook';

const ANN = 'P'.repeat(42) + 'A';
const ANN2 = 'Q'.repeat(42) + 'A';

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
}

describe('NameBook', () => {
  it('labels a user by name, an unknown user by key tag', () => {
    const book = new NameBook();
    book.learn(ANN, 'Ann');
    expect(book.label(ANN)).to.equal('Ann');
    expect(book.label(ANN2)).to.equal(`Unknown (${tagOf(ANN2)})`);
  });

  it('tells apart two users with the same name by their key tags', () => {
    const book = new NameBook();
    book.learn(ANN, 'Ann');
    book.learn(ANN2, 'ann');
    expect(book.label(ANN)).to.equal(`Ann (${tagOf(ANN)})`);
    expect(book.label(ANN2)).to.equal(`ann (${tagOf(ANN2)})`);
    expect(tagOf(ANN)).to.not.equal(tagOf(ANN2));
    expect(tagOf(ANN)).to.match(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
  });

  it('counts changes and keeps names across instances', () => {
    const storage = new MapStorage();
    const book = new NameBook(storage);
    expect(book.learn(ANN, ' Ann ')).to.equal(true);
    expect(book.learn(ANN, 'Ann')).to.equal(false);
    expect(book.revision).to.equal(1);
    expect(new NameBook(storage).name(ANN)).to.equal('Ann');
  });

  it('ignores empty names and damaged storage', () => {
    const storage = new MapStorage();
    storage.setItem('meshchat:names', '[[1,2],"x",["u",""]]');
    const book = new NameBook(storage);
    expect(book.name('u')).to.equal(undefined);
    expect(book.learn('u', '   ')).to.equal(false);
  });

  it('tags look-alike names: Cyrillic letters, zero-width characters, fullwidth forms', () => {
    const forgeries = ['Аnn', 'An\u200Bn', 'Ａｎｎ', 'ANN'];
    for (const forged of forgeries) {
      const book = new NameBook();
      book.learn(ANN, 'Ann');
      book.learn(ANN2, forged);
      expect(book.label(ANN), JSON.stringify(forged)).to.equal(`Ann (${tagOf(ANN)})`);
      expect(book.label(ANN2)).to.include(`(${tagOf(ANN2)})`);
    }
    const book = new NameBook();
    book.learn(ANN, 'Ann');
    book.learn(ANN2, 'Bob');
    expect(book.label(ANN)).to.equal('Ann');
    // Once the look-alike renames, the tag goes.
    book.learn(ANN2, 'Аnn');
    expect(book.isAmbiguous(ANN)).to.equal(true);
    book.learn(ANN2, 'Ben');
    expect(book.isAmbiguous(ANN)).to.equal(false);
  });

  it('keeps the newest signed name: a replayed older card renames nobody', () => {
    const storage = new MapStorage();
    const book = new NameBook(storage);
    expect(book.learn(ANN, 'Ann', 2000)).to.equal(true);
    expect(book.learn(ANN, 'Mallory’s pick', 1000)).to.equal(false);
    expect(book.label(ANN)).to.equal('Ann');
    const reloaded = new NameBook(storage);
    expect(reloaded.learn(ANN, 'Old name', 1500)).to.equal(false);
    expect(reloaded.learn(ANN, 'Annie', 3000)).to.equal(true);
  });

  it('shows a name from a file marked unverified, and never over a signed name', () => {
    const storage = new MapStorage();
    const book = new NameBook(storage);
    expect(book.learnUnverified(ANN, ' Ann ')).to.equal(true);
    expect(book.label(ANN)).to.equal('Ann (unverified)');
    expect(book.name(ANN)).to.equal(undefined); // not a signed name
    expect(book.unverifiedName(ANN)).to.equal('Ann');
    expect(book.learnUnverified(ANN, 'Ann')).to.equal(false);
    // Kept across reloads, until a signed card names the user.
    expect(new NameBook(storage).label(ANN)).to.equal('Ann (unverified)');
    const revision = book.revision;
    book.learn(ANN, 'Annie', 1000);
    expect(book.revision).to.be.greaterThan(revision);
    expect(book.label(ANN)).to.equal('Annie');
    expect(book.unverifiedName(ANN)).to.equal(undefined);
    // A file cannot rename someone whose signed name is known.
    expect(book.learnUnverified(ANN, 'Mallory')).to.equal(false);
    expect(book.label(ANN)).to.equal('Annie');
    expect(new NameBook(storage).label(ANN)).to.equal('Annie');
  });

  it('tags a file name that looks like a known one, signed or from a file', () => {
    const book = new NameBook();
    book.learn(ANN, 'Ann');
    book.learnUnverified(ANN2, 'Аnn'); // Cyrillic А
    expect(book.label(ANN2)).to.equal(`Аnn (unverified, ${tagOf(ANN2)})`);
    expect(book.label(ANN)).to.equal('Ann'); // a file's claim does not tag a signed name
    const files = new NameBook();
    files.learnUnverified(ANN, 'Bob');
    files.learnUnverified(ANN2, 'bob');
    expect(files.label(ANN)).to.equal(`Bob (unverified, ${tagOf(ANN)})`);
    files.learnUnverified(ANN2, 'Cy');
    expect(files.label(ANN)).to.equal('Bob (unverified)');
  });

  it('ignores empty file names and damaged stored ones', () => {
    const storage = new MapStorage();
    storage.setItem('meshchat:file-names', '[[1,2],"x",["u",""],null]');
    const book = new NameBook(storage);
    expect(book.unverifiedName('u')).to.equal(undefined);
    expect(book.learnUnverified('u', '\u200B ')).to.equal(false);
    storage.setItem('meshchat:file-names', '{not json');
    expect(new NameBook(storage).label(ANN)).to.equal(`Unknown (${tagOf(ANN)})`);
  });
});
