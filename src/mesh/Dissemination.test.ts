import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { Dissemination } from './Dissemination';
import { realEnv } from './ports';
import type { MeshMessage } from './wire';

type Carried = Map<number, { clock: number; end: number }>;

/** Dissemination over `doc` without timers, keeping every message it sends. */
function recording(doc: Y.Doc, eagerLinks: number, carried?: () => Carried | undefined) {
  const sent: MeshMessage[] = [];
  const mesh = new Dissemination(
    doc,
    realEnv,
    (_peer, message) => {
      sent.push(message);
      return true;
    },
    () => 0,
    { antiEntropyMs: 0, syncOnOpen: false, eagerLinks },
    carried,
  );
  return { mesh, sent };
}

/** A peer holding `count` entries, answering one neighbour whose link carried `carried`. */
function peerWith(count: number, carried: Carried | undefined) {
  const doc = new Y.Doc();
  for (let i = 0; i < count; i += 1) doc.getMap('m').set(`k${i}`, i);
  const { mesh, sent } = recording(doc, 0, () => carried);
  mesh.addNeighbour('newcomer');
  const diffs = (): Uint8Array[] => sent.flatMap((m) => (m.type === 'diff' ? [m.update] : []));
  return { doc, mesh, diffs };
}

const askedByNewcomer = (mesh: Dissemination): void =>
  mesh.receive('newcomer', {
    type: 'sv',
    stateVector: Y.encodeStateVector(new Y.Doc()),
    askBack: false,
  });

describe('Dissemination answering a state vector', () => {
  it('sends a newcomer whatever it lacks when nothing is on its way', () => {
    const { mesh, diffs } = peerWith(50, undefined);
    askedByNewcomer(mesh);
    const newcomer = new Y.Doc();
    for (const update of diffs()) Y.applyUpdate(newcomer, update);
    expect(newcomer.getMap('m').size).to.equal(50);
  });

  it('leaves out what the connection-time sync already carries to it, not what came after', () => {
    // The room's 50 entries went to the newcomer in pieces; it asks again before applying them.
    const carriedNothing = peerWith(50, undefined);
    const client = carriedNothing.doc.clientID;
    const carried: Carried = new Map([[client, { clock: 0, end: 50 }]]);
    const { doc, mesh, diffs } = peerWith(0, carried);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(carriedNothing.doc));
    askedByNewcomer(mesh);
    expect(diffs(), 'the room is not sent a second time').to.deep.equal([]);
    // One more entry since the pieces left: only it is sent.
    carriedNothing.doc.getMap('m').set('late', 1);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(carriedNothing.doc, Y.encodeStateVector(doc)));
    askedByNewcomer(mesh);
    expect(diffs()).to.have.length(1);
    const meta = Y.parseUpdateMeta(diffs()[0] as Uint8Array);
    expect(meta.from.get(client), 'from where the pieces ended').to.equal(50);
    expect(meta.to.get(client)).to.equal(51);
  });
});

describe('Dissemination answering a graft', () => {
  it('sends what follows the clock asked for, of that writer alone', () => {
    const doc = new Y.Doc();
    const { mesh, sent } = recording(doc, 1);
    mesh.addNeighbour('relay');
    mesh.addNeighbour('asker');
    // Two writers' messages reach this peer together, as one batch from its eager neighbour.
    const [alice, bob] = [new Y.Doc(), new Y.Doc()];
    for (let i = 0; i < 3; i += 1) alice.getMap('m').set(`a${i}`, i);
    for (let i = 0; i < 3; i += 1) bob.getMap('m').set(`b${i}`, i);
    const batch = Y.mergeUpdates([Y.encodeStateAsUpdate(alice), Y.encodeStateAsUpdate(bob)]);
    mesh.receive('relay', { type: 'update', update: batch, hops: 0 });
    sent.length = 0;
    // The asker has all of Bob's and Alice's first; it waited too long for the rest of Alice's.
    mesh.receive('asker', { type: 'graft', entries: [{ client: alice.clientID, clock: 1 }] });
    const diffs = sent.flatMap((m) => (m.type === 'diff' ? [m.update] : []));
    expect(diffs).to.have.length(1);
    const meta = Y.parseUpdateMeta(diffs[0] as Uint8Array);
    expect([...meta.to.keys()], 'only the writer asked for').to.deep.equal([alice.clientID]);
    expect(meta.from.get(alice.clientID), 'from the clock asked for').to.equal(1);
    expect(meta.to.get(alice.clientID)).to.equal(3);
    mesh.destroy();
  });
});

describe('Dissemination pruning a link that pushes copies', () => {
  it('prunes at the first copy, even beside news, and once until a graft crosses the link', () => {
    const doc = new Y.Doc();
    const { mesh, sent } = recording(doc, 0);
    mesh.addNeighbour('pusher');
    const alice = new Y.Doc();
    const upTo = (count: number): Uint8Array => {
      for (let i = alice.getMap('m').size; i < count; i += 1) alice.getMap('m').set(`a${i}`, i);
      return Y.encodeStateAsUpdate(alice);
    };
    Y.applyUpdate(doc, upTo(1));
    const prunes = (): number => sent.filter((m) => m.type === 'prune').length;
    const push = (update: Uint8Array): void =>
      mesh.receive('pusher', { type: 'update', update, hops: 0 });
    // One copy beside two new entries: the link is redundant all the same.
    push(upTo(3));
    expect(prunes()).to.equal(1);
    expect(doc.getMap('m').size, 'the news is applied').to.equal(3);
    // Pushes sent before the prune arrived: no prune of their own.
    push(upTo(4));
    push(upTo(5));
    expect(prunes()).to.equal(1);
    expect(doc.getMap('m').size).to.equal(5);
    // The pusher grafted the link again (refused here: no eager links wanted), then pushes.
    mesh.receive('pusher', { type: 'graft', entries: [] });
    expect(prunes()).to.equal(2);
    push(upTo(6));
    expect(prunes()).to.equal(2);
    mesh.destroy();
  });
});

describe('Dissemination of updates from outside the mesh', () => {
  it("never sends a neighbour's sync answer back to it, and pushes it to the others", async () => {
    const doc = new Y.Doc();
    const sent: string[] = [];
    let applying: string | undefined;
    const mesh = new Dissemination(
      doc,
      realEnv,
      (peer, message) => {
        if (message.type === 'update') sent.push(peer);
        return true;
      },
      () => 0,
      { antiEntropyMs: 0, syncOnOpen: false, eagerLinks: 2, sender: () => applying },
    );
    mesh.addNeighbour('answering');
    mesh.addNeighbour('other');
    const peer = new Y.Doc();
    peer.getMap('m').set('k', 1);
    applying = 'answering';
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer), 'sync answer');
    applying = undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent).to.deep.equal(['other']);
    mesh.destroy();
  });
});
