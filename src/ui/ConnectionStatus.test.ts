import { expect } from '@esm-bundle/chai';
import { html } from 'lit';
import './ConnectionStatus';
import { describeStatus, type ConnectionStatus } from './ConnectionStatus';
import { cleanupFixtures, expectAccessible, fixture, shadow } from '../testkit/ui/fixture';

describe('chat-connection-status', () => {
  afterEach(cleanupFixtures);

  it('says whether signaling is reachable and how many peers are connected', () => {
    expect(
      describeStatus({ signaling: true, peers: 0, localTabs: 0, unreachable: false }, true),
    ).to.equal('Waiting for peers');
    expect(
      describeStatus({ signaling: false, peers: 0, localTabs: 0, unreachable: false }, true),
    ).to.equal('Signaling server unreachable');
    expect(
      describeStatus({ signaling: true, peers: 1, localTabs: 0, unreachable: false }, true),
    ).to.equal('Connected to 1 peer');
    expect(
      describeStatus({ signaling: false, peers: 3, localTabs: 0, unreachable: false }, true),
    ).to.equal('Connected to 3 peers');
    expect(
      describeStatus({ signaling: true, peers: 3, localTabs: 0, unreachable: false }, false),
    ).to.equal('Offline');
    expect(
      describeStatus({ signaling: false, peers: 0, localTabs: 0, unreachable: false }, true, true),
    ).to.equal('Connecting…');
    const unreachable = { signaling: true, peers: 0, localTabs: 0, unreachable: true };
    expect(describeStatus(unreachable, true)).to.equal('Peers cannot be reached');
    // A peer that is reached after all is what counts.
    expect(describeStatus({ ...unreachable, peers: 1 }, true)).to.equal('Connected to 1 peer');
  });

  it('says when someone in the room has another password, unless a peer is connected', () => {
    const mismatch = {
      signaling: true,
      peers: 0,
      localTabs: 0,
      unreachable: false,
      passwordMismatch: true,
    };
    expect(describeStatus(mismatch, true)).to.equal('Password does not match');
    expect(describeStatus({ ...mismatch, peers: 1 }, true)).to.equal('Connected to 1 peer');
    expect(describeStatus(mismatch, false)).to.equal('Offline');
  });

  it('renders the status as a live region, accessibly', async () => {
    const el = await fixture<ConnectionStatus>(
      html`<chat-connection-status
        .status=${{ signaling: true, peers: 2, localTabs: 1, unreachable: false }}
      ></chat-connection-status>`,
    );
    expect(shadow(el, '[role="status"]').textContent).to.contain('Connected to 2 peers');
    await expectAccessible(el);
  });
});
