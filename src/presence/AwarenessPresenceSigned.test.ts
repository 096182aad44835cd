import { expect } from '@esm-bundle/chai';
import { presenceContract, sessionsAre } from '../hub/presenceContract';
import { poll, until } from '../testkit/waitFor';
import { encodeBase64url } from '../identity/base64url';
import type { AwarenessPresence } from './AwarenessPresence';
import { PresenceCards } from './PresenceCards';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { AwarenessMesh, meshHarness } from '../testkit/AwarenessMesh';

let alice: Identity;
let bob: Identity;
const verifier = new Verifier();
before(async () => {
  alice = await Identity.loadOrCreate(new MemoryKeyStore());
  bob = await Identity.loadOrCreate(new MemoryKeyStore());
});

presenceContract('AwarenessPresence with signed cards', () =>
  meshHarness((i) => ({ signer: i === 0 ? alice : bob, verifier }), [alice.userId, bob.userId]),
);

describe('AwarenessPresence: signed cards against hostile peers', () => {
  let mesh: AwarenessMesh;
  beforeEach(() => {
    mesh = new AwarenessMesh();
  });
  afterEach(() => mesh.destroy());

  it('shows nobody who claims a user without that user’s signature', async () => {
    const watcher = mesh.add({ signer: bob, verifier });
    const mallory = mesh.add({ verifier });
    const malloryIndex = mesh.members.length - 1;
    // Unsigned claim to be Alice: never trusted.
    mallory.enter({ userId: alice.userId, sessionId: 'fake' });
    // Then a "signature" made with the wrong key.
    const forger = await Identity.loadOrCreate(new MemoryKeyStore());
    const awareness = mesh.members[malloryIndex]?.awareness;
    const wrong = await forger.sign(new TextEncoder().encode('anything'));
    awareness?.setLocalStateField('sig', encodeBase64url(wrong));
    // An honest peer as the sync point: once Bob's own view has settled, Alice is absent.
    const honest = mesh.add({ signer: alice, verifier });
    honest.enter({ userId: alice.userId, sessionId: 'real' });
    await sessionsAre(watcher, [{ userId: alice.userId, sessionId: 'real' }]);
    await until(
      (onChange) => watcher.observe(onChange),
      () => watcher.invalid >= 1,
      'the forged card to be judged invalid',
    );
    expect(watcher.sessions()).to.deep.equal([{ userId: alice.userId, sessionId: 'real' }]);
    expect(watcher.invalid).to.equal(1);
  });

  it('checks only the card that changed, not every member’s, on each change', async () => {
    const tabs = Array.from({ length: 6 }, (_, i) =>
      mesh.add({ signer: i % 2 ? alice : bob, verifier }),
    );
    tabs.forEach((tab, i) =>
      tab.enter({ userId: (i % 2 ? alice : bob).userId, sessionId: `t${i}` }),
    );
    const [watcher, changer] = tabs as [AwarenessPresence, AwarenessPresence];
    await until(
      (onChange) => watcher.observe(onChange),
      () => watcher.sessions().length === tabs.length,
      'everyone present',
    );
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its `this`
    const check = PresenceCards.prototype.check;
    let checks = 0;
    PresenceCards.prototype.check = function (this: PresenceCards, ...args) {
      checks += 1;
      return check.apply(this, args);
    };
    try {
      for (let i = 0; i < 10; i += 1) {
        changer.setField('name', `n${i}`);
        await poll(
          () => [...watcher.states().values()].some((s) => s.name === `n${i}`),
          `name ${i}`,
        );
      }
    } finally {
      PresenceCards.prototype.check = check;
    }
    // Ten changes, each seen by five tabs: checking every member each time is ten times 25.
    expect(checks).to.be.below(10 * 5 * 3);
  });

  it('ignores a card whose fields were changed after signing: the signed one stands', async () => {
    const watcher = mesh.add({ signer: bob, verifier });
    const aliceTab = mesh.add({ signer: alice, verifier });
    const aliceAwareness = mesh.members.at(-1)?.awareness;
    aliceTab.enter({ userId: alice.userId, sessionId: 't1' });
    aliceTab.setField('name', 'Alice');
    await sessionsAre(watcher, [{ userId: alice.userId, sessionId: 't1' }]);
    await until(
      (onChange) => watcher.observe(onChange),
      () => [...watcher.states().values()].some((s) => s.name === 'Alice'),
      'Alice’s signed name',
    );
    // Someone rewrites the name and typing in the state without re-signing (no gate here:
    // the awareness applies it, and presence must still not act on it).
    const state = aliceAwareness?.getLocalState() ?? {};
    aliceAwareness?.setLocalState({ ...state, name: 'Not Alice', typing: Date.now() });
    await until(
      (onChange) => watcher.onStates(onChange),
      () => watcher.invalid === 1,
      'the changed card to be judged invalid',
    );
    expect(watcher.sessions()).to.deep.equal([{ userId: alice.userId, sessionId: 't1' }]);
    const names = [...watcher.states().values()].map((s) => [s.name, s.typing]);
    expect(names).to.deep.equal([['Alice', undefined]]);
  });
});
