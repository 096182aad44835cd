import { expect } from '@esm-bundle/chai';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Ticker } from '../presence/Ticker';
import { RoomNetwork } from './RoomNetwork';
import type { RoomNetworkOptions } from './roomNetworkOptions';
import { loadWebrtcStack } from './webrtcStackLoad';

// No signaling server and no ticks: these tests are about when the provider starts.
const quiet: Omit<RoomNetworkOptions, 'startAfter'> = {
  config: { signalingUrls: [], iceServers: [] },
  ticker: (() => () => undefined) satisfies Ticker,
};

let rooms = 0;
const open = (options: Partial<RoomNetworkOptions> = {}): RoomNetwork => {
  const doc = new Y.Doc();
  rooms += 1;
  return new RoomNetwork(`network-test-${rooms}`, doc, new Awareness(doc), {
    ...quiet,
    ...options,
  });
};

// Booleans, not the provider itself: a failing chai assertion that carries a provider makes
// the test runner's browser session hang while it serializes the error.
const started = (network: RoomNetwork): boolean => network.provider !== undefined;

/** Resolves once every promise reaction queued so far has run (they are all microtasks). */
const settled = async (): Promise<void> => {
  await loadWebrtcStack();
  await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('RoomNetwork', () => {
  it('loads its WebRTC code once, however many rooms ask', async () => {
    const [a, b] = await Promise.all([loadWebrtcStack(), loadWebrtcStack()]);
    expect(a).to.equal(b);
    expect(a.WebrtcProvider).to.be.a('function');
  });

  it('starts its provider once startAfter settles, not before', async () => {
    let release = (): void => undefined;
    const stored = new Promise<void>((resolve) => (release = resolve));
    const network = open({ startAfter: stored });
    try {
      await settled();
      expect(started(network)).to.equal(false);
      expect(network.resync()).to.equal(0);
      release();
      await settled();
      expect(started(network)).to.equal(true);
      expect(network.resync()).to.equal(0);
    } finally {
      network.destroy();
    }
  });

  it('starts after a startAfter that rejects, too', async () => {
    const network = open({ startAfter: Promise.reject(new Error('no stored state')) });
    try {
      await settled();
      expect(started(network)).to.equal(true);
    } finally {
      network.destroy();
    }
  });

  it('never starts once destroyed, even if its code was still loading', async () => {
    const network = open();
    network.destroy();
    await settled();
    expect(started(network)).to.equal(false);
    expect(network.status()).to.deep.equal({
      signaling: false,
      peers: 0,
      localTabs: 0,
      unreachable: false,
      passwordMismatch: false,
      documentFull: false,
    });
    network.destroy();
  });
});
