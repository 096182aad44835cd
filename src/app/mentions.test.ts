import { expect } from '@esm-bundle/chai';
import { completions, mentionAt, mentions } from './mentions';

describe('mentions', () => {
  it('finds a mention of a name as a whole word, in any case', () => {
    expect(mentions('@Ann are you in?', 'Ann')).to.equal(true);
    expect(mentions('hi @ann, lunch?', 'Ann')).to.equal(true);
    expect(mentions('ask @Ann Lee!', 'Ann Lee')).to.equal(true);
    expect(mentions('ＡＮＮ @Ａnn', 'Ann')).to.equal(true);
    expect(mentions('@Anna is here', 'Ann')).to.equal(false);
    expect(mentions('Ann without an at', 'Ann')).to.equal(false);
    expect(mentions('mail ann@example.com', 'example')).to.equal(false);
    expect(mentions('@Ann', undefined)).to.equal(false);
    expect(mentions('@ anyone', ' ')).to.equal(false);
  });

  it('reads the mention being typed at the caret', () => {
    expect(mentionAt('hello @An', 9)).to.deep.equal({ start: 6, query: 'An' });
    expect(mentionAt('@', 1)).to.deep.equal({ start: 0, query: '' });
    expect(mentionAt('mail ann@ex', 11)).to.equal(undefined);
    expect(mentionAt('@Ann\nnext', 9)).to.equal(undefined);
    expect(mentionAt('no at here', 5)).to.equal(undefined);
  });

  it('completes from the names, those starting with the query first', () => {
    const names = ['Ben', 'Annie', 'Joanna', 'Ann', 'Ann'];
    expect(completions('an', names)).to.deep.equal(['Annie', 'Ann', 'Joanna']);
    expect(completions('', names, 2)).to.deep.equal(['Ben', 'Annie']);
    expect(completions('zz', names)).to.deep.equal([]);
  });
});
