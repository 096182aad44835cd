/**
 * A signaling outage: peers in one room over WebRTC, then the signaling server is killed
 * (SIGKILL, as a crash), stays down for a while, and starts again on the same port. Measures
 * whether the peers keep chatting meanwhile (they should: signaling only introduces peers) and
 * how long after the server listens again every peer's signaling is back.
 */
import type { Browser, Page } from 'playwright-core';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { joinRoom, peersReach, type RoomPeer } from '../testkit/e2e/room';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';
import { freeTcpPort } from '../testkit/server/redisProcess';

/** What {@link signalingOutage} measured. */
export interface OutageFigure {
  readonly peers: number;
  readonly downMs: number;
  /** A message sent while the server was down reached every other peer. */
  readonly keptChatting: boolean;
  /** From the send during the outage until the last peer had it. */
  readonly outageDeliveryMs: number | null;
  /** From the restarted server listening until each peer's signaling was connected again. */
  readonly rejoinMs: readonly number[];
  /** The slowest peer's rejoin. */
  readonly allRejoinedMs: number;
}

async function signalingIs(page: Page, connected: boolean, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (want) => ((window.harness.status() as { signaling?: boolean }).signaling === true) === want,
    connected,
    { timeout: timeoutMs, polling: 20 },
  );
}

/** Runs the scenario with `peers` browser contexts and an outage of `downMs`. */
export async function signalingOutage(
  browser: Browser,
  peers: number,
  downMs: number,
): Promise<OutageFigure> {
  const harness = await buildHarness();
  const port = await freeTcpPort();
  const env = { PORT: String(port) };
  let server: ServerProcess | null = await startServer(harness.dir, env);
  const room: RoomPeer[] = [];
  try {
    const url = `${server.url}/index.html`;
    const roomId = `bench-outage-${process.pid}-${Date.now()}`;
    for (let i = 0; i < peers; i += 1) {
      room.push(await joinRoom(browser, url, { roomId, name: `P${i}` }));
    }
    await Promise.all(room.map((p) => peersReach(p.page, peers - 1, 60_000)));
    await Promise.all(room.map((p) => signalingIs(p.page, true, 30_000)));

    server.child.kill('SIGKILL');
    await server.stop();
    server = null;
    await Promise.all(room.map((p) => signalingIs(p.page, false, 30_000)));

    // The room goes on without its signaling server.
    const [sender, ...others] = room as [RoomPeer, ...RoomPeer[]];
    const text = `during the outage ${Date.now()}`;
    const sentAt = Date.now();
    await sender.page.evaluate((t) => window.harness.send(t), text);
    const delivered = await Promise.all(
      others.map((p) =>
        p.page
          .waitForFunction((t) => window.harness.arrivedAt(t) !== undefined, text, {
            timeout: 15_000,
            polling: 20,
          })
          .then(
            () => Date.now() - sentAt,
            () => null,
          ),
      ),
    );
    const times = delivered.filter((ms): ms is number => ms !== null);
    const keptChatting = times.length === delivered.length;

    // Down for the scenario's outage length (counted from the crash), then back.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, downMs - (Date.now() - sentAt))),
    );
    server = await startServer(harness.dir, env);
    const listening = Date.now();
    const rejoinMs = await Promise.all(
      room.map(async (p) => {
        await signalingIs(p.page, true, 30_000);
        return Date.now() - listening;
      }),
    );
    return {
      peers,
      downMs,
      keptChatting,
      outageDeliveryMs: keptChatting ? Math.max(...times) : null,
      rejoinMs,
      allRejoinedMs: Math.max(...rejoinMs),
    };
  } finally {
    for (const p of room) await p.context.close().catch(() => undefined);
    await server?.stop();
    harness.remove();
  }
}
