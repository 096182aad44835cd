import { expect } from '@esm-bundle/chai';
import { ManualTime } from '../testkit/ManualTime';
import { LiveNetworkConfig } from './LiveNetworkConfig';
import {
  fallbackNetworkConfig,
  fetchNetworkConfig,
  parseNetworkConfig,
  type NetworkConfig,
} from './NetworkConfig';
import { withCurrentIceServers } from './webrtcStackLoad';

const location = { protocol: 'https:', host: 'chat.example', origin: 'https://chat.example' };
const TURN = 'turn:turn.example:3478?transport=udp';

/**
 * A deployment's /config.json as src/server answers it with TURN_TTL = `ttl`: each answer a
 * credential of its own whose username states its expiry. `up` false: unreachable.
 */
class Deployment {
  up = true;
  requests = 0;
  constructor(
    private readonly time: ManualTime,
    private readonly ttl: number | undefined,
  ) {}

  readonly fetch = (): Promise<NetworkConfig> =>
    fetchNetworkConfig(location, this.fetcher, this.time.now);

  private readonly fetcher = ((): Promise<Response> => {
    this.requests += 1;
    if (!this.up) return Promise.reject(new TypeError('Failed to fetch'));
    const iceServers =
      this.ttl === undefined
        ? []
        : [
            {
              urls: [TURN],
              username: `${Math.floor(this.time.now() / 1000) + this.ttl}:${this.requests}`,
              credential: `password-${this.requests}`,
            },
          ];
    const body = {
      signalingUrls: [],
      iceServers,
      ...(this.ttl === undefined ? {} : { iceServersTtl: this.ttl }),
    };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  }) as typeof fetch;
}

const username = (config: NetworkConfig): string | undefined => config.iceServers[0]?.username;

describe('LiveNetworkConfig', () => {
  let live: LiveNetworkConfig | undefined;
  afterEach(() => live?.stop());

  async function open(time: ManualTime, deployment: Deployment): Promise<LiveNetworkConfig> {
    live = await LiveNetworkConfig.open({
      fetch: deployment.fetch,
      fallback: fallbackNetworkConfig(location),
      now: time.now,
      ticker: time.ticker,
    });
    return live;
  }

  it('fetches fresh TURN credentials at half their lifetime, before they expire', async () => {
    const time = new ManualTime();
    const deployment = new Deployment(time, 600);
    const config = await open(time, deployment);
    const first = username(config);
    expect(first?.endsWith(':1')).to.equal(true);
    expect(config.signalingUrls).to.deep.equal(['wss://chat.example/signal']);
    await time.advance(290_000);
    expect(deployment.requests).to.equal(1);
    expect(username(config)).to.equal(first);
    await time.advance(20_000);
    expect(deployment.requests).to.equal(2);
    const second = username(config);
    expect(second?.endsWith(':2')).to.equal(true);
    // Still valid for most of its life, and replaced again before it runs out.
    expect(Number(second?.split(':')[0]) * 1000).to.be.greaterThan(time.now() + 500_000);
    await time.advance(310_000);
    expect(deployment.requests).to.equal(3);
    // An hour later the tab still holds a credential that has not expired.
    await time.advance(3_600_000);
    expect(Number(username(config)?.split(':')[0]) * 1000).to.be.greaterThan(time.now());
  });

  it('gives each new peer connection the credentials fetched last', async () => {
    const time = new ManualTime();
    const deployment = new Deployment(time, 600);
    const config = await open(time, deployment);
    const Connection = withCurrentIceServers(RTCPeerConnection, config);
    const before = new Connection({ iceServers: [] });
    await time.advance(310_000);
    const after = new Connection({ iceServers: [] });
    try {
      expect(before.getConfiguration().iceServers?.[0]?.username?.endsWith(':1')).to.equal(true);
      expect(after.getConfiguration().iceServers?.[0]?.username?.endsWith(':2')).to.equal(true);
      expect(after.getConfiguration().iceServers?.[0]?.credential).to.equal('password-2');
    } finally {
      before.close();
      after.close();
    }
  });

  it('keeps what it has when a refresh fails, and tries again, waiting longer each time', async () => {
    const time = new ManualTime();
    const deployment = new Deployment(time, 600);
    const config = await open(time, deployment);
    const first = username(config);
    deployment.up = false;
    await time.advance(300_000);
    expect(deployment.requests).to.equal(2);
    expect(username(config)).to.equal(first);
    // Retries after 5, 10, 20 s... (checked every 10 s), never faster.
    await time.advance(60_000);
    const retries = deployment.requests - 2;
    expect(retries).to.be.within(2, 4);
    deployment.up = true;
    await time.advance(70_000);
    expect(username(config)).to.not.equal(first);
    const settled = deployment.requests;
    await time.advance(200_000);
    expect(deployment.requests).to.equal(settled);
  });

  it('starts from the fallback when offline at first, and takes the config once it can', async () => {
    const time = new ManualTime();
    const deployment = new Deployment(time, 600);
    deployment.up = false;
    const config = await open(time, deployment);
    expect(config.iceServers).to.deep.equal([]);
    expect(config.signalingUrls).to.deep.equal(['wss://chat.example/signal']);
    deployment.up = true;
    await time.advance(10_000);
    expect(username(config)).to.be.a('string');
  });

  it('fetches nothing more when nothing in the config expires', async () => {
    const time = new ManualTime();
    const deployment = new Deployment(time, undefined);
    const config = await open(time, deployment);
    expect(config.refreshAt).to.equal(undefined);
    await time.advance(3_600_000);
    expect(deployment.requests).to.equal(1);
  });

  it('stops fetching once stopped', async () => {
    const time = new ManualTime();
    const deployment = new Deployment(time, 600);
    const config = await open(time, deployment);
    config.stop();
    config.stop();
    await time.advance(3_600_000);
    expect(deployment.requests).to.equal(1);
  });
});

describe('network config refresh time', () => {
  const fallback = fallbackNetworkConfig(location);
  const now = Date.UTC(2026, 0, 1);
  const relay = (expirySeconds: number): RTCIceServer => ({
    urls: TURN,
    username: `${expirySeconds}:abc`,
    credential: 'x',
  });

  it('is half the stated lifetime from now', () => {
    const config = parseNetworkConfig(
      { iceServers: [relay(now / 1000 + 600)], iceServersTtl: 600 },
      fallback,
      now,
    );
    expect(config.refreshAt).to.equal(now + 300_000);
  });

  it('comes sooner for an old copy whose credential is near its end, but never at once', () => {
    const stale = parseNetworkConfig(
      { iceServers: [relay(now / 1000 - 3600)], iceServersTtl: 600 },
      fallback,
      now,
    );
    expect(stale.refreshAt).to.equal(now + 60_000);
    // Without a stated lifetime, the username's expiry alone sets it.
    const named = parseNetworkConfig({ iceServers: [relay(now / 1000 + 7200)] }, fallback, now);
    expect(named.refreshAt).to.equal(now + 3_600_000);
  });

  it('ignores a lifetime that is not a positive number', () => {
    for (const iceServersTtl of [-5, 0, '600', null, Infinity]) {
      const config = parseNetworkConfig({ iceServers: [], iceServersTtl }, fallback, now);
      expect(config.refreshAt).to.equal(undefined);
    }
  });
});
