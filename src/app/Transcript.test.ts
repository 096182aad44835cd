import { expect } from '@esm-bundle/chai';
import type { ChatEvent } from '../hub/events';
import { Transcript, type TranscriptEntry } from './Transcript';

const entry = (n: number, userId = 'other'): TranscriptEntry => ({
  id: `entry-${String(n).padStart(6, '0')}`,
  userId,
  message: `message ${n}`,
  unixTime: n * 10,
  clock: n * 10,
});

const event = (type: ChatEvent['type'], time: number, userId = 'other'): ChatEvent => ({
  id: `room:${type}:${userId}:${time}`,
  chatroomId: 'room',
  type,
  userId,
  unixTime: time,
});

describe('Transcript', () => {
  it('shows messages in log order, own ones marked', () => {
    const t = new Transcript('me');
    const lines = t.build([entry(1), entry(2, 'me')]);
    expect(lines.map((l) => l.kind === 'message' && [l.text, l.own])).to.deep.equal([
      ['message 1', false],
      ['message 2', true],
    ]);
  });

  it('interleaves join and leave notices by time; add and remove are not shown', () => {
    const t = new Transcript('me');
    expect(t.addEvent(event('join', 15))).to.equal(true);
    expect(t.addEvent(event('add', 16))).to.equal(false);
    expect(t.addEvent(event('remove', 17))).to.equal(false);
    expect(t.addEvent(event('leave', 25))).to.equal(true);
    expect(t.addEvent(event('leave', 25))).to.equal(false);
    const kinds = t.build([entry(1), entry(2), entry(3)]).map((l) => l.kind);
    expect(kinds).to.deep.equal(['message', 'joined', 'message', 'left', 'message']);
  });

  it('ends with "ended" after close', () => {
    const t = new Transcript('me');
    t.addEvent({ id: 'room:close:1', chatroomId: 'room', type: 'close', unixTime: 100 });
    expect(t.build([entry(1)]).at(-1)?.kind).to.equal('ended');
  });

  it('marks own messages pending until delivered', () => {
    const t = new Transcript('me');
    const mine = entry(1, 'me');
    t.markPending(mine.id);
    expect(t.build([mine])[0]).to.include({ delivered: false });
    expect(t.deliver([mine.id])).to.equal(true);
    expect(t.build([mine])[0]).to.include({ delivered: true });
    expect(t.deliver([mine.id])).to.equal(false);
  });

  it('shows the newest page, older pages on request', () => {
    const t = new Transcript('me', 100);
    const entries = Array.from({ length: 250 }, (_, i) => entry(i + 1));
    expect(t.build(entries).length).to.equal(100);
    expect(t.hasOlder).to.equal(true);
    expect(t.showOlder()).to.equal(true);
    expect(t.build(entries).length).to.equal(200);
    t.showOlder();
    const all = t.build(entries);
    expect(all.length).to.equal(250);
    expect(all[0]).to.include({ text: 'message 1' });
    expect(t.hasOlder).to.equal(false);
    expect(t.showOlder()).to.equal(false);
  });

  it('keeps showing what it showed when new messages arrive at the end', () => {
    const t = new Transcript('me', 10);
    const entries = Array.from({ length: 30 }, (_, i) => entry(i + 1));
    const before = t.build(entries);
    const after = t.build([...entries, entry(31), entry(32)]);
    expect(after.length).to.equal(12);
    expect(after[0]).to.equal(before[0]);
  });

  it('reuses line objects between builds (cheap re-renders of long logs)', () => {
    const t = new Transcript('me');
    const entries = [entry(1), entry(2)];
    const first = t.build(entries);
    const second = t.build(entries);
    expect(second[0]).to.equal(first[0]);
  });
});
