import { expect } from '@esm-bundle/chai';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { poll } from '../testkit/waitFor';
import { MemoryEventStore } from '../storage/MemoryEventStore';
import { makeEvent } from '../hub/events';
import { appUsers, pagesOf } from '../testkit/app/appUsers';

describe('ChatApplication search', () => {
  const users = appUsers();
  const { user } = users;

  it('finds a message that arrived a moment ago, before its room has stored it', async () => {
    const store = new MemoryEventStore();
    const history = pagesOf(store);
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    // Ann's room writes what it receives a minute after it came, unless asked sooner.
    const ann = await user('Ann', '/', {
      history,
      signer,
      openRoom: users.mesh.opener(signer, { events: store, maxDelayMs: 60_000 }),
    });
    const ben = await user('Ben');
    await ann.app.openRoom('plan-room', 'pw');
    await ben.app.openRoom('plan-room', 'pw');
    ben.app.current?.send('the tickets are in the blue folder');
    await poll(() => ann.app.current?.snapshot().lines.some((l) => l.kind === 'message') ?? false);
    expect(await store.page('plan-room', 10))
      .to.have.property('events')
      .with.length(0);
    const hits = await ann.app.searchMessages('ticket fold');
    expect(hits.map((h) => h.text)).to.deep.equal(['the tickets are in the blue folder']);
    // Arrived after the index was built: found from memory.
    ben.app.current?.send('the folder is on the shelf');
    await poll(
      () => ann.app.current?.snapshot().lines.filter((l) => l.kind === 'message').length === 2,
    );
    expect((await ann.app.searchMessages('shelf')).map((h) => h.text)).to.deep.equal([
      'the folder is on the shelf',
    ]);
  });

  it('finds stored messages by their words, and an edited one by its new words only', async () => {
    const store = new MemoryEventStore();
    const history = pagesOf(store);
    const ann = await user('Ann', '/', { history });
    await ann.app.openRoom('plan-room', 'pw');
    const room = ann.app.current;
    room?.send('meet at noon by the fountain');
    await poll(() => room?.snapshot().lines.some((l) => l.kind === 'message') ?? false);
    const line = room?.snapshot().lines.find((l) => l.kind === 'message');
    if (!room || line?.kind !== 'message') throw new Error('the message did not show');
    // Storage keeps the text as it was sent; the room's log knows the edit.
    await store.put([
      {
        order: 1,
        event: makeEvent({
          id: line.id,
          chatroomId: 'plan-room',
          type: 'message',
          userId: ann.app.userId,
          message: 'meet at noon by the fountain',
          unixTime: 1,
        }),
      },
    ]);
    expect((await ann.app.searchMessages('fountain')).map((h) => h.id)).to.deep.equal([line.id]);
    expect(room.edit(line.id, 'meet at one by the fountain')).to.equal(undefined);
    await poll(() => room.snapshot().lines.some((l) => l.kind === 'message' && l.edited));
    expect(await ann.app.searchMessages('noon')).to.deep.equal([]);
    const hits = await ann.app.searchMessages('one fountain');
    expect(hits.map((h) => [h.roomId, h.text])).to.deep.equal([
      ['plan-room', 'meet at one by the fountain'],
    ]);
  });
});
