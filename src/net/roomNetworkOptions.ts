import type { AwarenessIntake, SignalIntake } from './awarenessIntake';
import type { NetworkConfig } from './NetworkConfig';
import type { PasswordMismatchOptions } from './PasswordMismatch';
import type { UpdateFilter } from './rootFilter';
import type { Ticker } from '../presence/Ticker';

/** What the UI shows about the connection. */
export interface NetworkStatus {
  /** Whether at least one signaling server is connected. */
  readonly signaling: boolean;
  /** Peers connected over WebRTC. */
  readonly peers: number;
  /** Tabs of this browser reached over BroadcastChannel. */
  readonly localTabs: number;
  /**
   * Peers are in the room (signaling announced them and connections were tried) but none
   * could be reached for a while (src/net/Reachability.ts): the networks cannot meet directly
   * and need a TURN relay.
   */
  readonly unreachable: boolean;
  /**
   * Someone is in the room with another password: messages this tab cannot open keep coming
   * on the room's signaling topic while no peer is connected (see PasswordMismatch).
   */
  readonly passwordMismatch?: boolean;
  /**
   * The room's document reached its size ceiling (src/net/DocumentCeiling.ts): peers' updates
   * are no longer applied this session; what it holds stays. Absent means no.
   */
  readonly documentFull?: boolean;
}

export interface RoomNetworkOptions {
  readonly config: NetworkConfig;
  /** Encrypts signaling and BroadcastChannel traffic; never sent to a server. */
  readonly password?: string;
  /** How often to exchange state vectors with every peer (default 15 s). */
  readonly antiEntropyMs?: number;
  readonly ticker?: Ticker;
  /** The clock for telling unreachable peers and a password mismatch (default Date.now). */
  readonly now?: () => number;
  /** The RTCPeerConnection to build on (a Node implementation for Node peers). */
  readonly peerConnection?: typeof RTCPeerConnection;
  /**
   * A preview exchanged as each connection opens, beside y-webrtc's sync: `make` gives what
   * to send (or nothing), `receive` gets what the peer sent. Used to show a newcomer the
   * newest messages before a large room's full state has crossed the wire.
   */
  readonly preview?: {
    make(): Uint8Array | undefined;
    receive(data: Uint8Array): void;
  };
  /**
   * Connects only once this settles (the room's stored state is loaded), so that peers send
   * only what this tab lacks, not the whole room.
   */
  readonly startAfter?: Promise<unknown>;
  /**
   * Where awareness updates received over data channels go instead of y-webrtc (the presence
   * gate, which applies only what it trusts). Without it they reach the awareness unchecked.
   */
  readonly awarenessIntake?: AwarenessIntake;
  /**
   * Presence signals (beats, typing): carried on the data channels' side lane to direct
   * neighbours, and over a BroadcastChannel to the other tabs of the room in this browser.
   */
  readonly presenceSignals?: SignalIntake;
  /**
   * What every document update a peer sends passes through before it is applied (the room's
   * roots only: rootFilter.ts). Without it, peers' updates are applied as they come.
   */
  readonly updateFilter?: UpdateFilter;
  /** Whether the document reached its size ceiling (shown in the status). */
  readonly documentFull?: () => boolean;
  /**
   * Run the bounded-degree mesh (src/mesh): at most 8 links per peer, each update sent about
   * once per peer, dead links rebuilt (default). `false` keeps y-webrtc's own topology (every
   * peer dials up to 20-34 others and floods every update), for comparison in benchmarks.
   */
  readonly mesh?: boolean;
  /** Timing of the password mismatch warning (tests shorten it). */
  readonly passwordMismatch?: PasswordMismatchOptions;
}
