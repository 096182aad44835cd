import { expect } from '@esm-bundle/chai';
import { WebrtcProvider } from 'y-webrtc';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { limitTabBroadcasts } from './ownBroadcasts';
import { providerRoom } from './yInternals';
import { poll, until, type Subscribe } from '../testkit/waitFor';

let serial = 0;

/** A provider without signaling: it reaches only the BroadcastChannel of this browser. */
function provider(name: string, doc: Y.Doc, ignoreOwn: boolean): WebrtcProvider {
  const made = new WebrtcProvider(name, doc, { signaling: [] });
  if (ignoreOwn) limitTabBroadcasts(made);
  return made;
}

/**
 * Lets every microtask queued so far run. The room's own channel traffic is all microtasks:
 * lib0 hands a tab's own messages to its subscribers synchronously, and y-webrtc sends each
 * message after a promise turn (its encryption step, even without a key).
 */
const microtasksDrained = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * How many transactions the provider's room applies to `doc` while it connects (its room is
 * made and connected when its key settles) and while `then` runs after that.
 */
async function roomTransactions(
  doc: Y.Doc,
  made: WebrtcProvider,
  then: () => void = () => undefined,
): Promise<number> {
  let count = 0;
  doc.on('beforeTransaction', (transaction: Y.Transaction) => {
    if (transaction.origin !== null && transaction.origin === made.room) count += 1;
  });
  await made.key;
  await microtasksDrained();
  then();
  await microtasksDrained();
  return count;
}

/** Counts what this tab posts on the BroadcastChannel named `name` (the real sends). */
function postsOn(name: string): { count: () => number; restore: () => void } {
  const proto = BroadcastChannel.prototype;
  // Kept unbound on purpose: put back as it was, and called with the channel as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = proto.postMessage;
  let count = 0;
  proto.postMessage = function (this: BroadcastChannel, message: unknown) {
    if (this.name === name) count += 1;
    original.call(this, message);
  };
  return {
    count: () => count,
    restore: () => (proto.postMessage = original),
  };
}

/** Change notifications of a channel's incoming messages. */
const messagesOf =
  (channel: BroadcastChannel): Subscribe =>
  (onChange) => {
    channel.addEventListener('message', onChange);
    return () => channel.removeEventListener('message', onChange);
  };

const updatesOf =
  (doc: Y.Doc): Subscribe =>
  (onChange) => {
    doc.on('update', onChange);
    return () => doc.off('update', onChange);
  };

function withHistory(): Y.Doc {
  const doc = new Y.Doc();
  for (let i = 0; i < 100; i += 1) doc.getMap('messages').set(`m${i}`, { m: `text ${i}` });
  return doc;
}

describe('limitTabBroadcasts', () => {
  const made: WebrtcProvider[] = [];
  afterEach(() => {
    for (const p of made.splice(0)) p.destroy();
  });

  it('stock y-webrtc reads back its own state on connecting: the control', async () => {
    const doc = withHistory();
    const stock = provider(`own-bc-${(serial += 1)}`, doc, false);
    made.push(stock);
    expect(await roomTransactions(doc, stock)).to.be.greaterThan(0);
  });

  it('keeps a room from reading back what it broadcast itself', async () => {
    const doc = withHistory();
    const quiet = provider(`own-bc-${(serial += 1)}`, doc, true);
    made.push(quiet);
    const applied = roomTransactions(doc, quiet, () =>
      doc.getMap('messages').set('later', { m: 'an update after connecting' }),
    );
    doc.getMap('messages').set('sooner', { m: 'an update while connecting' });
    expect(await applied).to.equal(0);
  });

  it('still hears other tabs, and they still hear it', async () => {
    const name = `own-bc-${(serial += 1)}`;
    const doc = new Y.Doc();
    const room = provider(name, doc, true);
    made.push(room);
    // Another tab of the room: a channel of the same name (lib0 names it after the room).
    const otherTab = new BroadcastChannel(name);
    const heard: Uint8Array[] = [];
    otherTab.onmessage = (event: MessageEvent<Uint8Array>) => heard.push(event.data);
    try {
      // Once the room listens on the channel (connected when its key settles), a real tab
      // announces itself first (y-webrtc's messageBcPeerId).
      await room.key;
      const hello = encoding.createEncoder();
      encoding.writeVarUint(hello, 4);
      encoding.writeUint8(hello, 1);
      encoding.writeVarString(hello, 'the-other-tab');
      otherTab.postMessage(encoding.toUint8Array(hello));
      const theirs = new Y.Doc();
      theirs.getMap('messages').set('from-the-other-tab', { m: 'hi' });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0); // y-webrtc's messageSync
      syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(theirs));
      otherTab.postMessage(encoding.toUint8Array(encoder));
      await until(
        updatesOf(doc),
        () => doc.getMap('messages').has('from-the-other-tab'),
        'the other tab’s update',
      );
      expect(doc.getMap('messages').get('from-the-other-tab')).to.deep.equal({ m: 'hi' });

      const before = heard.length;
      doc.getMap('messages').set('mine', { m: 'for the other tab' });
      await until(messagesOf(otherTab), () => heard.length > before, 'this tab’s update');
    } finally {
      otherTab.close();
    }
  });

  it('posts updates to the channel only while another tab has announced itself', async () => {
    const name = `own-bc-${(serial += 1)}`;
    const doc = new Y.Doc();
    const room = provider(name, doc, true);
    made.push(room);
    const posts = postsOn(name);
    const listener = new BroadcastChannel(name);
    try {
      await room.key;
      await microtasksDrained();
      const afterConnecting = posts.count();
      for (let i = 0; i < 5; i += 1) doc.getMap('messages').set(`alone ${i}`, { m: i });
      await microtasksDrained();
      expect(posts.count(), 'no tab announced: nothing posted').to.equal(afterConnecting);

      const hello = encoding.createEncoder();
      encoding.writeVarUint(hello, 4);
      encoding.writeUint8(hello, 1);
      encoding.writeVarString(hello, 'a-listening-tab');
      listener.postMessage(encoding.toUint8Array(hello));
      // The announcement arrives as a channel event; y-webrtc tells nobody it counted it.
      await poll(() => (providerRoom(room)?.bcConns.size ?? 0) > 0, 'the tab’s announcement');
      await microtasksDrained();
      const announced = posts.count();
      doc.getMap('messages').set('heard', { m: 'now someone listens' });
      await microtasksDrained();
      expect(posts.count()).to.be.greaterThan(announced);
    } finally {
      posts.restore();
      listener.close();
    }
  });
});
