import { expect } from '@esm-bundle/chai';
import { poll } from '../testkit/waitFor';
import { gatherRelayedAwareness, type AwarenessChanges, type MeshRoom } from './meshRoom';

type Listener = (changes: AwarenessChanges, origin: unknown) => void;

/** The awareness fields of a y-webrtc room, and what its relay sent. */
function fakeRoom(own: number): {
  room: MeshRoom;
  change: (clients: number[]) => void;
  relayed: number[][];
  setLocal: (state: unknown) => void;
} {
  const listeners = new Set<Listener>();
  const relayed: number[][] = [];
  let local: unknown = null;
  const relay: Listener = (changes) => relayed.push([...changes.updated].sort());
  const awareness = {
    clientID: own,
    getLocalState: () => local,
    on: (_event: 'update', listener: Listener) => listeners.add(listener),
    off: (_event: 'update', listener: Listener) => listeners.delete(listener),
  };
  listeners.add(relay);
  const room = { awareness, _awarenessUpdateHandler: relay } as unknown as MeshRoom;
  const change = (clients: number[]): void => {
    for (const listener of [...listeners])
      listener({ added: [], updated: clients, removed: [] }, 'x');
  };
  return { room, change, relayed, setLocal: (state) => (local = state) };
}

describe('gatherRelayedAwareness', () => {
  it("sends this tab's own change at once, with the peers' changes gathered so far", () => {
    const { room, change, relayed } = fakeRoom(1);
    const stop = gatherRelayedAwareness(room, 60_000);
    change([2]);
    change([3]);
    expect(relayed).to.deep.equal([]);
    change([1]);
    expect(relayed).to.deep.equal([[1, 2, 3]]);
    stop();
  });

  it('holds its own change while holdOwn says so, and sends it with the gathering', async () => {
    const { room, change, relayed, setLocal } = fakeRoom(1);
    let hold = true;
    const seen: unknown[] = [];
    const stop = gatherRelayedAwareness(room, 30, (state) => {
      seen.push(state);
      return hold;
    });
    setLocal({ sessions: ['s'] });
    change([1]);
    change([2]);
    expect(relayed).to.deep.equal([]);
    expect(seen).to.deep.include({ sessions: ['s'] });
    await poll(() => relayed.length === 1, 'the gathering sent');
    expect(relayed).to.deep.equal([[1, 2]]);
    hold = false;
    change([1]);
    expect(relayed).to.deep.equal([[1, 2], [1]]);
    stop();
  });

  it('sends what it holds when stopped, and y-webrtc relays at once again', () => {
    const { room, change, relayed } = fakeRoom(1);
    const stop = gatherRelayedAwareness(room, 60_000, () => true);
    change([1]);
    expect(relayed).to.deep.equal([]);
    stop();
    expect(relayed).to.deep.equal([[1]]);
    change([4]);
    expect(relayed).to.deep.equal([[1], [4]]);
  });
});
