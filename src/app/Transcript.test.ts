import { expect } from '@esm-bundle/chai';
import type { ChatEvent } from '../hub/events';
import type { TranscriptEntry } from './ChatLine';
import { Transcript } from './Transcript';

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

  it('shows a message dated ahead of this device’s clock at now, never in the future', () => {
    const ahead = Date.now() + 5 * 60_000;
    const lines = new Transcript('me').build([{ ...entry(1), unixTime: ahead, clock: ahead }]);
    expect(lines[0]?.time).to.be.at.most(Date.now());
  });

  it('interleaves join and leave notices by time; add and remove are not shown', () => {
    const t = new Transcript('me', { openedAt: 0 });
    expect(t.addEvent(event('join', 15))).to.equal(true);
    expect(t.addEvent(event('add', 16))).to.equal(false);
    expect(t.addEvent(event('remove', 17))).to.equal(false);
    expect(t.addEvent(event('leave', 25))).to.equal(true);
    expect(t.addEvent(event('leave', 25))).to.equal(false);
    const kinds = t.build([entry(1), entry(2), entry(3)]).map((l) => l.kind);
    expect(kinds).to.deep.equal(['message', 'joined', 'message', 'left', 'message']);
  });

  it('ends with "ended" after close', () => {
    const t = new Transcript('me', { openedAt: 50 });
    t.addEvent({ id: 'room:close:1', chatroomId: 'room', type: 'close', unixTime: 100 });
    expect(t.build([entry(1)]).at(-1)?.kind).to.equal('ended');
  });

  it('never shows the end of an earlier session of this tab (stored), nor own joins and leaves', () => {
    const t = new Transcript('me', { openedAt: 1000 });
    expect(t.addEvent(event('join', 5, 'me'))).to.equal(true);
    t.addEvent({ id: 'room:close:old', chatroomId: 'room', type: 'close', unixTime: 22 });
    t.addEvent(event('leave', 21, 'me'));
    const kinds = t.build([entry(1), entry(2), entry(3)]).map((l) => l.kind);
    expect(kinds).to.deep.equal(['message', 'message', 'message']);
  });

  it('does not announce people already there when this user opens the room', () => {
    const t = new Transcript('me', { openedAt: 0 });
    // Opened at 100_000 (own join): Ben and Cy are found present; Dee comes a minute later.
    t.addEvent(event('join', 100_000, 'me'));
    t.addEvent(event('join', 101_000, 'ben'));
    t.addEvent(event('join', 102_000, 'cy'));
    t.addEvent(event('join', 160_000, 'dee'));
    const lines = t.build([]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ kind: 'joined', userId: 'dee' });
  });

  it('drops a leave and join of one person close together (their reload)', () => {
    const t = new Transcript('me', { openedAt: 0 });
    t.addEvent(event('leave', 200_000, 'ben'));
    t.addEvent(event('join', 203_000, 'ben'));
    t.addEvent(event('leave', 300_000, 'cy'));
    t.addEvent(event('join', 400_000, 'cy'));
    const lines = t.build([]);
    expect(lines.map((l) => l.kind)).to.deep.equal(['members']);
    expect(lines[0]).to.deep.include({ joined: ['cy'], left: ['cy'] });
  });

  it('folds consecutive joins and leaves into one line, kept apart by messages', () => {
    const t = new Transcript('me', { openedAt: 0 });
    for (const [type, time, who] of [
      ['join', 5, 'a'],
      ['join', 6, 'b'],
      ['leave', 7, 'c'],
      ['join', 15, 'd'],
    ] as const) {
      t.addEvent(event(type, time * 100_000, who));
    }
    const lines = t.build([entry(100_000)]);
    expect(lines.map((l) => l.kind)).to.deep.equal(['members', 'message', 'joined']);
    expect(lines[0]).to.deep.include({ joined: ['a', 'b'], left: ['c'] });
    // The same run is the same object in the next build.
    expect(t.build([entry(100_000)])[0]).to.equal(lines[0]);
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
