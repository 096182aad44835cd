import { expect } from '@esm-bundle/chai';
import { PendingNetworkConfig } from './PendingNetworkConfig';

const fallback = { signalingUrls: ['ws://app.example/signal'], iceServers: [] };
const fetched = {
  signalingUrls: ['wss://signal.example/a'],
  iceServers: [{ urls: 'turn:turn.example', username: 'u', credential: 'c' }],
  refreshAt: 1_000,
};

describe('PendingNetworkConfig', () => {
  it('answers with the fallback while the first fetch is under way', () => {
    const config = new PendingNetworkConfig(fallback, new Promise(() => undefined));
    expect(config.signalingUrls).to.deep.equal(fallback.signalingUrls);
    expect(config.iceServers).to.deep.equal([]);
    expect(config.refreshAt).to.equal(undefined);
  });

  it('answers with the fetched config once ready', async () => {
    const config = new PendingNetworkConfig(fallback, Promise.resolve(fetched));
    await config.ready;
    expect(config.signalingUrls).to.deep.equal(fetched.signalingUrls);
    expect(config.iceServers).to.deep.equal(fetched.iceServers);
    expect(config.refreshAt).to.equal(1_000);
  });

  it('follows a live config that changes after it is ready', async () => {
    const live = { ...fetched, signalingUrls: ['wss://signal.example/a'] };
    const config = new PendingNetworkConfig(fallback, Promise.resolve(live));
    await config.ready;
    live.signalingUrls = ['wss://signal.example/b'];
    expect(config.signalingUrls).to.deep.equal(['wss://signal.example/b']);
  });

  it('is ready with the fallback when the fetch fails', async () => {
    const config = new PendingNetworkConfig(fallback, Promise.reject(new Error('offline')));
    await config.ready;
    expect(config.signalingUrls).to.deep.equal(fallback.signalingUrls);
  });
});
