import type { NetworkConfig } from '../net/NetworkConfig';

/**
 * The network config while its first fetch is under way: the fallback until then, the live
 * config after (`ready`, which never rejects). The page starts without waiting for that
 * fetch; whatever reads the config after `ready` gets the fetched one.
 */
export class PendingNetworkConfig implements NetworkConfig {
  readonly ready: Promise<void>;
  private current: NetworkConfig;

  constructor(fallback: NetworkConfig, live: Promise<NetworkConfig>) {
    this.current = fallback;
    this.ready = live.then(
      (config) => {
        this.current = config;
      },
      () => undefined,
    );
  }

  get signalingUrls(): readonly string[] {
    return this.current.signalingUrls;
  }

  get iceServers(): readonly RTCIceServer[] {
    return this.current.iceServers;
  }

  get refreshAt(): number | undefined {
    return this.current.refreshAt;
  }
}
