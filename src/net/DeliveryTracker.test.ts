import { expect } from '@esm-bundle/chai';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { poll, until } from '../testkit/waitFor';
import { ManualTime } from '../testkit/ManualTime';
import { linkAwareness, linkDocs, resyncDocs } from '../testkit/links';
import { ACKERS_PER_WANT, DeliveryTracker, answers, mapEntries } from './DeliveryTracker';

interface Tab {
  doc: Y.Doc;
  awareness: Awareness;
  tracker: DeliveryTracker;
}

function tab(pending: string[] = []): Tab {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ v: 1 });
  const tracker = new DeliveryTracker({
    entries: mapEntries(doc.getMap('messages')),
    awareness,
    publish: (field, value) => awareness.setLocalStateField(field, value),
    pending,
  });
  return { doc, awareness, tracker };
}

function write(t: Tab, id: string): void {
  t.doc.getMap('messages').set(id, { m: id });
  t.tracker.track(id);
}

const delivered = (t: Tab, id: string): Promise<void> =>
  until(
    (onChange) => t.tracker.onDelivered(onChange),
    () => t.tracker.isDelivered(id),
    `${id} to be delivered`,
  );

describe('DeliveryTracker', () => {
  const tabs: Tab[] = [];
  const open = (pending?: string[]): Tab => {
    const t = tab(pending);
    tabs.push(t);
    return t;
  };
  afterEach(() => {
    for (const t of tabs.splice(0)) {
      t.tracker.destroy();
      t.awareness.destroy();
      t.doc.destroy();
    }
  });

  it('keeps a message pending while nobody has it, and marks it once a peer does', async () => {
    const alone = open();
    write(alone, 'm1');
    await Promise.resolve();
    expect(alone.tracker.isDelivered('m1')).to.equal(false);
    expect(alone.tracker.pending()).to.deep.equal(['m1']);
    const peer = open();
    linkAwareness([alone.awareness, peer.awareness]);
    linkDocs([alone.doc, peer.doc]);
    resyncDocs([alone.doc, peer.doc]);
    // Re-announce so the peer learns what is wanted (a heartbeat would do this).
    alone.awareness.setLocalState(alone.awareness.getLocalState());
    peer.awareness.setLocalState(peer.awareness.getLocalState());
    await delivered(alone, 'm1');
    expect(alone.tracker.pending()).to.deep.equal([]);
  });

  it('does not count a peer that lacks the message, even one that has later ones of others', async () => {
    const a = open();
    const b = open();
    const link = { up: true };
    linkAwareness([a.awareness, b.awareness]);
    linkDocs([a.doc, b.doc], link);
    write(b, 'from-b');
    link.up = false; // a's next update is lost on the way
    write(a, 'lost');
    link.up = true;
    write(b, 'from-b-2');
    await until(
      (onChange) => b.tracker.onDelivered(onChange),
      () => b.tracker.isDelivered('from-b-2'),
      'b’s messages to reach a',
    );
    expect(a.tracker.isDelivered('lost')).to.equal(false);
    resyncDocs([a.doc, b.doc]);
    await delivered(a, 'lost');
  });

  it('carries pending messages of an earlier session across a reload', async () => {
    const before = new Y.Doc();
    before.getMap('messages').set('written-offline', { m: 'x' });
    const reloaded = open(['written-offline']);
    Y.applyUpdate(reloaded.doc, Y.encodeStateAsUpdate(before));
    await Promise.resolve();
    expect(reloaded.tracker.isDelivered('written-offline')).to.equal(false);
    const peer = open();
    linkAwareness([reloaded.awareness, peer.awareness]);
    linkDocs([reloaded.doc, peer.doc]);
    resyncDocs([reloaded.doc, peer.doc]);
    peer.awareness.setLocalState(peer.awareness.getLocalState());
    reloaded.awareness.setLocalState(reloaded.awareness.getLocalState());
    await delivered(reloaded, 'written-offline');
  });

  it('looks at each entry once after transactions, not at every entry after every one', async () => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalState({ v: 1 });
    const map = doc.getMap('messages');
    const inner = mapEntries(map);
    let lookups = 0;
    const entries = {
      doc,
      itemOf: (id: string) => {
        lookups += 1;
        return inner.itemOf(id);
      },
    };
    const tracker = new DeliveryTracker({
      entries,
      awareness,
      publish: (field, value) => awareness.setLocalStateField(field, value),
    });
    const t: Tab = { doc, awareness, tracker };
    tabs.push(t);
    const count = 600;
    for (let i = 0; i < count; i += 1) {
      write(t, `m${i}`);
      await Promise.resolve();
    }
    // Looking at every waiting entry after each write would be count^2 / 2 = 180,000.
    expect(lookups).to.be.below(2 * count);
    expect(awareness.getLocalState()?.want).to.deep.equal([doc.clientID]);
    const peer = open();
    linkAwareness([awareness, peer.awareness]);
    await Promise.resolve();
    // With a peer present that lacks them, a transaction looks at no entry looked at before.
    const before = lookups;
    for (let i = 0; i < count; i += 1) {
      peer.doc.getMap('messages').set(`p${i}`, { m: i });
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer.doc));
      await Promise.resolve();
    }
    expect(lookups - before).to.be.below(2 * count);
    linkDocs([doc, peer.doc]);
    resyncDocs([doc, peer.doc]);
    awareness.setLocalState(awareness.getLocalState());
    peer.awareness.setLocalState(peer.awareness.getLocalState());
    await delivered(t, `m${count - 1}`);
    expect(tracker.pending()).to.deep.equal([]);
  });

  it('leaves its acks standing once the want they answered ends', async () => {
    const a = open();
    const b = open();
    linkAwareness([a.awareness, b.awareness]);
    linkDocs([a.doc, b.doc]);
    write(b, 'm1');
    await delivered(b, 'm1');
    await poll(
      () => (b.awareness.getLocalState() as { want?: unknown[] }).want?.length === 0,
      'the want to end',
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Taking it out would be one more signed card flooded to the room, and it is still true.
    expect(a.awareness.getLocalState()?.acks).to.deep.equal({
      [String(b.doc.clientID)]: Y.getState(a.doc.store, b.doc.clientID),
    });
  });

  it('publishes changed acks at most once per interval, the latest one last', async () => {
    const time = new ManualTime();
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalState({ v: 1 });
    const publishedAt: number[] = [];
    const published: unknown[] = [];
    const tracker = new DeliveryTracker({
      entries: mapEntries(doc.getMap('messages')),
      awareness,
      publish: (field, value) => {
        if (field !== 'acks') return;
        published.push(value);
        publishedAt.push(time.now());
        awareness.setLocalStateField(field, value);
      },
      ackIntervalMs: 200,
      clock: time,
    });
    // A peer waits on its own client; this tab receives its entries one by one, 10 ms apart.
    const peer = new Y.Doc();
    const peerAwareness = new Awareness(peer);
    linkAwareness([peerAwareness, awareness]);
    peerAwareness.setLocalState({ v: 1, want: [peer.clientID] });
    for (let i = 0; i < 20; i += 1) {
      peer.getMap('messages').set(`p${i}`, { m: i });
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
      await time.advance(10);
    }
    // The last change waits for its interval, then goes out.
    await time.advance(200);
    const last = published.at(-1) as Record<string, number> | undefined;
    expect(last?.[String(peer.clientID)]).to.equal(Y.getState(peer.store, peer.clientID));
    // Twenty changes over 200 ms: the first at once, then one per interval.
    expect(published.length).to.be.within(2, 3);
    for (let i = 1; i < publishedAt.length; i += 1) {
      expect((publishedAt[i] ?? 0) - (publishedAt[i - 1] ?? 0)).to.be.at.least(200);
    }
    tracker.destroy();
    expect(time.pending, 'no timer left behind').to.equal(0);
  });

  it('has the same few peers answer each want, and every peer in a small room', () => {
    const members = Array.from({ length: 30 }, (_, i) => 1000 + i * 7919);
    for (const wanter of members) {
      const answering = members.filter((m) => m !== wanter && answers(m, wanter, members));
      expect(answering.length, `answers to ${wanter}`).to.equal(ACKERS_PER_WANT);
    }
    const small = members.slice(0, ACKERS_PER_WANT + 1);
    for (const wanter of small) {
      expect(small.filter((m) => m !== wanter && answers(m, wanter, small))).to.have.length(
        ACKERS_PER_WANT,
      );
    }
  });

  it('delivers in a room of eight where most peers do not answer, and only few publish acks', async () => {
    const room = Array.from({ length: 8 }, () => open());
    linkAwareness(room.map((t) => t.awareness));
    linkDocs(room.map((t) => t.doc));
    // Every member announced (as its presence card does in the app), so all see all.
    for (const t of room) t.awareness.setLocalState(t.awareness.getLocalState());
    await Promise.resolve();
    const [author] = room as [Tab];
    write(author, 'hello');
    author.awareness.setLocalState(author.awareness.getLocalState());
    await delivered(author, 'hello');
    // Only the ranked peers answered the author's want; the others published no acks for it.
    const key = String(author.doc.clientID);
    const acked = room.filter((t) => {
      const acks = (t.awareness.getLocalState() as { acks?: Record<string, number> }).acks;
      return acks !== undefined && key in acks;
    });
    expect(acked.length).to.be.within(1, ACKERS_PER_WANT);
  });

  it('waits longer between acks when many peers publish them', async () => {
    const time = new ManualTime();
    // One author, and five more peers already publishing acks; this tab is made one the
    // author's want ranks (so it answers): six publishers, so 200 ms x 6 / 2 between two.
    const peer = new Y.Doc();
    const peerAwareness = new Awareness(peer);
    const others = Array.from({ length: 5 }, () => new Awareness(new Y.Doc()));
    const doc = new Y.Doc();
    const ids = [peer.clientID, ...others.map((a) => a.clientID)];
    while (!answers(doc.clientID, peer.clientID, [doc.clientID, ...ids])) doc.clientID += 1;
    const awareness = new Awareness(doc);
    awareness.setLocalState({ v: 1 });
    const publishedAt: number[] = [];
    const tracker = new DeliveryTracker({
      entries: mapEntries(doc.getMap('messages')),
      awareness,
      publish: (field, value) => {
        if (field !== 'acks') return;
        publishedAt.push(time.now());
        awareness.setLocalStateField(field, value);
      },
      ackIntervalMs: 200,
      clock: time,
    });
    linkAwareness([peerAwareness, awareness, ...others]);
    for (const other of others) other.setLocalState({ v: 1, acks: { '1': 1 } });
    peerAwareness.setLocalState({ v: 1, want: [peer.clientID] });
    for (let i = 0; i < 60; i += 1) {
      peer.getMap('messages').set(`p${i}`, { m: i });
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
      await time.advance(10);
    }
    await time.advance(500);
    // The answers: at least two, 600 ms or more apart.
    expect(publishedAt.length).to.be.at.least(2);
    for (let i = 1; i < publishedAt.length; i += 1) {
      expect((publishedAt[i] ?? 0) - (publishedAt[i - 1] ?? 0)).to.be.at.least(600);
    }
    tracker.destroy();
    for (const other of others) other.destroy();
    peerAwareness.destroy();
    expect(time.pending, 'no timer left behind').to.equal(0);
  });
});
