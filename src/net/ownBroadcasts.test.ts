import { expect } from '@esm-bundle/chai';
import { WebrtcProvider } from 'y-webrtc';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { limitTabBroadcasts } from './ownBroadcasts';

let serial = 0;

/** A provider without signaling: it reaches only the BroadcastChannel of this browser. */
function provider(name: string, doc: Y.Doc, ignoreOwn: boolean): WebrtcProvider {
  const made = new WebrtcProvider(name, doc, { signaling: [] });
  if (ignoreOwn) limitTabBroadcasts(made);
  return made;
}

/** How many transactions the provider's room applies to `doc` within `ms`. */
async function roomTransactions(doc: Y.Doc, made: WebrtcProvider, ms = 300): Promise<number> {
  let count = 0;
  doc.on('beforeTransaction', (transaction: Y.Transaction) => {
    if (transaction.origin !== null && transaction.origin === made.room) count += 1;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return count;
}

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
    const applied = roomTransactions(doc, quiet);
    doc.getMap('messages').set('later', { m: 'an update after connecting' });
    expect(await applied).to.equal(0);
  });

  it('still hears other tabs, and they still hear it', async () => {
    const name = `own-bc-${(serial += 1)}`;
    const doc = new Y.Doc();
    made.push(provider(name, doc, true));
    // Another tab of the room: a channel of the same name (lib0 names it after the room).
    const otherTab = new BroadcastChannel(name);
    const heard: Uint8Array[] = [];
    otherTab.onmessage = (event: MessageEvent<Uint8Array>) => heard.push(event.data);
    try {
      // Once the room listens on the channel, a real tab announces itself first (y-webrtc's
      // messageBcPeerId).
      await new Promise((resolve) => setTimeout(resolve, 50));
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
      const until = Date.now() + 5000;
      while (!doc.getMap('messages').has('from-the-other-tab') && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(doc.getMap('messages').get('from-the-other-tab')).to.deep.equal({ m: 'hi' });

      const before = heard.length;
      doc.getMap('messages').set('mine', { m: 'for the other tab' });
      while (heard.length === before && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard.length).to.be.greaterThan(before);
    } finally {
      otherTab.close();
    }
  });

  it('posts updates to the channel only while another tab has announced itself', async () => {
    const name = `own-bc-${(serial += 1)}`;
    const doc = new Y.Doc();
    made.push(provider(name, doc, true));
    const listener = new BroadcastChannel(name);
    let heard = 0;
    listener.onmessage = () => (heard += 1);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const afterConnecting = heard;
      for (let i = 0; i < 5; i += 1) doc.getMap('messages').set(`alone ${i}`, { m: i });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard, 'no tab announced: nothing posted').to.equal(afterConnecting);

      const hello = encoding.createEncoder();
      encoding.writeVarUint(hello, 4);
      encoding.writeUint8(hello, 1);
      encoding.writeVarString(hello, 'a-listening-tab');
      listener.postMessage(encoding.toUint8Array(hello));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const announced = heard;
      doc.getMap('messages').set('heard', { m: 'now someone listens' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).to.be.greaterThan(announced);
    } finally {
      listener.close();
    }
  });
});
