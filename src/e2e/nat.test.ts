// Two people behind symmetric NATs (each Chromium in its own network namespace, behind a
// router namespace that masquerades with --random-fully), the real server and coturn on a
// "public" segment: they chat only through the TURN relay, with the short-lived credential the
// server hands out, also from a tab open longer than that credential lasts (the tab renews
// it); without TURN their browsers cannot connect at all, and say so. Every address is inside
// namespaces this test creates and deletes (src/testing/nat-topology.sh). Root only: skipped
// elsewhere, but under CI, and as root (a missing tool then, which the test command installs),
// it must run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildApp } from '../testkit/e2e/appBuild';
import { NatRig, natRigMissing, PUBLIC_ADDRESS, TURN_PORT } from '../testkit/e2e/natRig';
import { enterName, say } from '../testkit/e2e/ui';

const missing = natRigMissing();
const mustRun = process.env.CI === 'true' ? 'in CI' : process.getuid?.() === 0 ? 'as root' : null;
if (missing !== null && mustRun !== null) {
  throw new Error(`the NAT test must run ${mustRun}, but: ${missing}`);
}

const SECRET = 'nat-test-shared-secret-0123456789';
const WITH_TURN = 8080;
const WITHOUT_TURN = 8081;
/** A server whose TURN credentials last the shortest TURN_TTL allowed. */
const SHORT_TTL = 8082;
const SHORT_TTL_SECONDS = 60;

/**
 * Keeps every RTCPeerConnection the page makes, so the test can read its stats, and every ICE
 * state any of them went through (the app closes a failed connection and tries again).
 */
function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  const states: string[] = [];
  Object.assign(window, { peerConnections: made, iceStates: states });
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
      this.addEventListener('iceconnectionstatechange', () => states.push(this.iceConnectionState));
    }
  };
}

/** The candidate types of every selected pair of the page's connections. */
function selectedPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of pcs) {
      const stats = new Map<string, Record<string, unknown>>();
      (await pc.getStats()).forEach((value: Record<string, unknown>, key: string) =>
        stats.set(key, value),
      );
      for (const report of stats.values()) {
        if (report.type !== 'transport' || typeof report.selectedCandidatePairId !== 'string') {
          continue;
        }
        const pair = stats.get(report.selectedCandidatePairId);
        const local = stats.get(String(pair?.localCandidateId));
        const remote = stats.get(String(pair?.remoteCandidateId));
        pairs.push({ local: String(local?.candidateType), remote: String(remote?.candidateType) });
      }
    }
    return pairs;
  });
}

/** Every ICE connection state the page's connections went through, in order. */
function iceStates(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { iceStates: string[] }).iceStates]);
}

describe('two people behind symmetric NATs', { skip: missing ?? false }, () => {
  let rig: NatRig;
  let removeApp = (): void => undefined;
  let browsers: { a: Browser; b: Browser };
  const origin = (port: number): string => `http://${PUBLIC_ADDRESS}:${port}`;

  before(async () => {
    const app = await buildApp();
    removeApp = app.remove;
    rig = NatRig.create();
    await rig.coturn(SECRET);
    await rig.server(WITH_TURN, app.dir, {
      TURN_URLS: `turn:${PUBLIC_ADDRESS}:${TURN_PORT}?transport=udp`,
      TURN_SECRET: SECRET,
      TURN_TTL: '600',
    });
    await rig.server(WITHOUT_TURN, app.dir, {});
    await rig.server(SHORT_TTL, app.dir, {
      TURN_URLS: `turn:${PUBLIC_ADDRESS}:${TURN_PORT}?transport=udp`,
      TURN_SECRET: SECRET,
      TURN_TTL: String(SHORT_TTL_SECONDS),
    });
    const origins = [origin(WITH_TURN), origin(WITHOUT_TURN), origin(SHORT_TTL)];
    browsers = {
      a: await rig.browser(rig.namespaces.hostA, origins),
      b: await rig.browser(rig.namespaces.hostB, origins),
    };
  });
  after(async () => {
    await (rig as NatRig | undefined)?.stop();
    removeApp();
  });

  /**
   * Ann (host A) creates a room on `port`, Ben (host B) follows its link (once `beforeBen`,
   * given Ann's page, has settled).
   */
  async function meet(
    port: number,
    beforeBen: (ann: Page) => Promise<void> = () => Promise.resolve(),
  ): Promise<{ ann: Page; ben: Page }> {
    const open = async (browser: Browser, path: string): Promise<Page> => {
      const context = await browser.newContext();
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      await page.goto(origin(port) + path);
      return page;
    };
    const ann = await open(browsers.a, '/');
    await enterName(ann, 'Ann');
    await ann.getByRole('button', { name: 'Create room' }).click();
    await ann.waitForURL(/\/r\/[A-Za-z0-9_-]{22}#k=/);
    const link = new URL(ann.url());
    await beforeBen(ann);
    const ben = await open(browsers.b, link.pathname + link.hash);
    await enterName(ben, 'Ben');
    return { ann, ben };
  }

  it('chat through the TURN relay, in both directions', { timeout: 120_000 }, async () => {
    const { ann, ben } = await meet(WITH_TURN);
    for (const page of [ann, ben]) {
      await page.getByText(/Connected to 1 peer/).waitFor({ timeout: 60_000 });
    }
    await say(ann, 'Hello from behind NAT A');
    await ben.getByRole('log').getByText('Hello from behind NAT A').waitFor({ timeout: 30_000 });
    await say(ben, 'And back from behind NAT B');
    await ann.getByRole('log').getByText('And back from behind NAT B').waitFor({ timeout: 30_000 });
    for (const page of [ann, ben]) {
      const pairs = await selectedPairs(page);
      assert.ok(pairs.length > 0, 'a selected candidate pair');
      for (const pair of pairs) {
        assert.ok(pair.local === 'relay' || pair.remote === 'relay', JSON.stringify(pairs));
      }
    }
    await Promise.all([ann.context().close(), ben.context().close()]);
  });

  it(
    'a tab open longer than its TURN credential lasts still relays, with a renewed one',
    { timeout: 240_000 },
    async () => {
      const { ann, ben } = await meet(SHORT_TTL, async (page) => {
        // Ann's tab fetched its config (and credential) before this moment: once TURN_TTL
        // has passed from here, that credential has expired, and coturn refuses it.
        const openedAt = await page.evaluate(() => Date.now());
        await page.waitForFunction((expired) => Date.now() > expired, openedAt + 61_000, {
          timeout: 120_000,
          polling: 1000,
        });
      });
      for (const page of [ann, ben]) {
        await page.getByText(/Connected to 1 peer/).waitFor({ timeout: 60_000 });
      }
      await say(ben, 'Still reaching you');
      await ann.getByRole('log').getByText('Still reaching you').waitFor({ timeout: 30_000 });
      for (const pair of await selectedPairs(ann)) {
        assert.ok(pair.local === 'relay' || pair.remote === 'relay', JSON.stringify(pair));
      }
      // Every connection Ann's tab made took a credential that had not expired.
      const { expiries, now } = await ann.evaluate(() => ({
        expiries: (
          window as unknown as { peerConnections: RTCPeerConnection[] }
        ).peerConnections.map((pc) =>
          Number(String(pc.getConfiguration().iceServers?.[0]?.username).split(':')[0]),
        ),
        now: Date.now() / 1000,
      }));
      assert.ok(expiries.length > 0, 'Ann made a connection');
      for (const expiry of expiries) assert.ok(expiry > now, `${expiry} <= ${now}`);
      await Promise.all([ann.context().close(), ben.context().close()]);
    },
  );

  it('cannot connect at all without TURN, and says so', { timeout: 150_000 }, async () => {
    const { ann, ben } = await meet(WITHOUT_TURN);
    // Signaling works (both reach the server), so the browsers try; every check fails, and
    // the connection gives up (Chromium says "disconnected" or "failed"), never connected.
    const gaveUp = (states: string[]): boolean =>
      states.some(
        (state, i) => state === 'checking' && /disconnected|failed/.test(states[i + 1] ?? ''),
      );
    for (const page of [ann, ben]) {
      const deadline = Date.now() + 60_000;
      let states = await iceStates(page);
      while (!gaveUp(states)) {
        assert.ok(Date.now() < deadline, `ICE never gave up: ${JSON.stringify(states)}`);
        await page.waitForTimeout(250);
        states = await iceStates(page);
      }
      assert.ok(!states.includes('connected') && !states.includes('completed'), String(states));
    }
    assert.equal(await ann.getByText(/Connected to 1 peer/).count(), 0);
    // Each is told, instead of waiting forever, that the other cannot be reached and what
    // helps (about 20 s after they learnt of each other; the bound here is for a busy machine).
    for (const page of [ann, ben]) {
      const notice = page.getByRole('alert').filter({ hasText: 'cannot be reached' });
      await notice.waitFor({ timeout: 60_000 });
      assert.match(await notice.innerText(), /TURN/);
      await page.getByText('Peers cannot be reached').waitFor({ timeout: 5_000 });
    }
    await Promise.all([ann.context().close(), ben.context().close()]);
  });
});
