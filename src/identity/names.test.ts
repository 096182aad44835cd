import { expect } from '@esm-bundle/chai';
import { MAX_NAME_LENGTH, nameSkeleton, namesClash, normalizeName } from './names';

describe('normalizeName', () => {
  it('folds compatibility forms and drops invisible and control characters', () => {
    expect(normalizeName('Ａｌｉｃｅ')).to.equal('Alice');
    expect(normalizeName('Al\u200Bi\u200Dce\uFEFF')).to.equal('Alice');
    expect(normalizeName('\u202EecilA')).to.equal('ecilA');
    expect(normalizeName('  Ann \n\t Lee  ')).to.equal('Ann Lee');
    expect(normalizeName('Ann\u0000Lee')).to.equal('Ann Lee');
    expect(normalizeName('\u200B \u2060')).to.equal('');
  });

  it('caps the length without splitting a surrogate pair', () => {
    expect(normalizeName('x'.repeat(100))).to.have.length(MAX_NAME_LENGTH);
    const cut = normalizeName('x'.repeat(MAX_NAME_LENGTH - 1) + '😀😀');
    expect(cut).to.equal('x'.repeat(MAX_NAME_LENGTH - 1));
  });
});

describe('nameSkeleton and namesClash', () => {
  it('finds the forgeries that got past the lower-cased comparison', () => {
    // Cyrillic а and е, Greek ο, zero-width space, fullwidth letters, a capital I for an l.
    const forgeries = [
      'Аlice',
      'Alicе',
      'Alic\u0435',
      'Al\u200Bice',
      'Ａｌｉｃｅ',
      'AIice',
      'A1ice',
      'alice',
      'Alicé',
      ' A l i c e ',
    ];
    for (const forged of forgeries) {
      expect(namesClash('Alice', forged), JSON.stringify(forged)).to.equal(true);
    }
    expect(namesClash('Bob', 'Воb')).to.equal(true);
    expect(namesClash('Sam', 'Sarn')).to.equal(true);
    expect(namesClash('paypal', 'рауpal')).to.equal(true);
    expect(namesClash('Oscar', '0scar')).to.equal(true);
  });

  it('keeps different names apart', () => {
    const names = ['Alice', 'Alina', 'Bob', 'Bobby', 'Carol', 'Dave', 'Zoë', 'Мария', '李雷'];
    for (const a of names) {
      for (const b of names) {
        if (a !== b) expect(namesClash(a, b), `${a} / ${b}`).to.equal(false);
      }
    }
  });

  it('never calls an empty or invisible name a clash', () => {
    expect(namesClash('', '')).to.equal(false);
    expect(namesClash('\u200B', '\u2060')).to.equal(false);
    expect(nameSkeleton('Al ice')).to.equal(nameSkeleton('alice'));
  });
});
