import { expect } from '@esm-bundle/chai';
import { TermIndex, withinEdits, words } from './TermIndex';

describe('TermIndex', () => {
  it('splits text into lower-case words without accents or punctuation', () => {
    expect(words('Café au LAIT, à 8h30!  Ça va?')).to.deep.equal([
      'cafe',
      'au',
      'lait',
      'a',
      '8h30',
      'ca',
      'va',
    ]);
    expect(words(' -- !! ')).to.deep.equal([]);
  });

  it('keeps long lists in order across its growing blocks, each document once', () => {
    const index = new TermIndex();
    for (let doc = 0; doc < 10_000; doc += 1) {
      index.add('every', doc);
      index.add('every', doc); // the same word twice in one message counts once
      if (doc % 3 === 0) index.add('third', doc);
    }
    const every = index.exact('every') ?? -1;
    const third = index.exact('third') ?? -1;
    expect(index.documents(every)).to.deep.equal(Array.from({ length: 10_000 }, (_, i) => i));
    expect(index.documents(third)).to.deep.equal(Array.from({ length: 3334 }, (_, i) => i * 3));
    expect(index.listed(every)).to.equal(10_000);
    expect(index.vocabulary).to.equal(2);
  });

  it('finds words by prefix, whether added in bulk or one by one', () => {
    const index = new TermIndex();
    index.bulk(true);
    ['station', 'stack', 'train', 'stamp', 'st'].forEach((w, doc) => index.add(w, doc));
    index.bulk(false);
    const named = (terms: number[]) =>
      terms.map((t) => ['station', 'stack', 'train', 'stamp', 'st', 'stab', 'sta'][t]).sort();
    expect(named(index.prefixed('sta'))).to.deep.equal(['stack', 'stamp', 'station']);
    index.add('stab', 5);
    index.add('sta', 6);
    expect(named(index.prefixed('sta'))).to.deep.equal([
      'sta',
      'stab',
      'stack',
      'stamp',
      'station',
    ]);
    expect(named(index.prefixed('st'))).to.have.length(6);
    expect(index.prefixed('x')).to.deep.equal([]);
  });

  it('finds words a letter or two off', () => {
    const index = new TermIndex();
    ['station', 'stations', 'nation', 'stasion', 'potato'].forEach((w, doc) => index.add(w, doc));
    const near = index
      .near('station', 1)
      .map((t) => ['station', 'stations', 'nation', 'stasion', 'potato'][t]);
    expect(near.sort()).to.deep.equal(['stasion', 'stations']);
    expect(index.near('station', 2)).to.have.length(3);
    expect(withinEdits('kitten', 'sitting', 3)).to.equal(true);
    expect(withinEdits('kitten', 'sitting', 2)).to.equal(false);
    expect(withinEdits('', 'ab', 2)).to.equal(true);
  });
});
