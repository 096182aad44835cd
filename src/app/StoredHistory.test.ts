import { expect } from '@esm-bundle/chai';
import type { ChatEvent } from '../hub/events';
import { StoredHistory, type StoredHistoryEvent } from './StoredHistory';
import type { TranscriptEntry } from './Transcript';

const message = (id: string, order: number): StoredHistoryEvent => ({
  order,
  event: { id, chatroomId: 'r', type: 'message', userId: 'u', message: id, unixTime: order },
});
const entry = (id: string, clock: number): TranscriptEntry => ({
  id,
  userId: 'u',
  message: id,
  unixTime: clock,
  clock,
});

describe('StoredHistory', () => {
  it('returns the log untouched when it holds every stored message', async () => {
    const history = new StoredHistory(
      { page: () => Promise.resolve({ events: [message('a', 1), message('b', 2)] }) },
      'r',
    );
    await history.load();
    const log = [entry('a', 1), entry('b', 2), entry('c', 3)];
    expect(history.merge(log, (id) => log.some((e) => e.id === id))).to.equal(log);
  });

  it('slots stored messages the log lacks into the log’s order, and hands back notices', async () => {
    const join: ChatEvent = { id: 'j', chatroomId: 'r', type: 'join', userId: 'u', unixTime: 0 };
    const history = new StoredHistory(
      {
        page: () =>
          Promise.resolve({
            events: [{ order: 0, event: join }, message('old', 1), message('mid', 4)],
          }),
      },
      'r',
    );
    const notices = await history.load();
    expect(notices).to.deep.equal([join]);
    const log = [entry('x', 2), entry('y', 5)];
    const ids = history.merge(log, (id) => log.some((e) => e.id === id)).map((e) => e.id);
    expect(ids).to.deep.equal(['old', 'x', 'mid', 'y']);
  });

  it('shows what the log has when storage fails', async () => {
    const history = new StoredHistory({ page: () => Promise.reject(new Error('quota')) }, 'r');
    expect(await history.load()).to.deep.equal([]);
    const log = [entry('x', 2)];
    expect(history.merge(log, () => true)).to.equal(log);
  });
});
