// Routed signaling between real app peers (Chromium, WebRTC, the mesh, a room password): on
// this server a member that is neither side of a connection sees none of its offers, answers,
// candidates or invites to dial, only announces; on y-webrtc's stock server the same peers connect as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as decoding from 'lib0/decoding';
import type { Browser } from 'playwright-core';
import { startBenchServer, type BenchServer } from '../bench/BenchServer';
import { launchBrowser } from '../testkit/e2e/browser';
import { buildHarness } from '../testkit/e2e/harnessBuild';
import { joinRoom, messagesReach, peersReach, type RoomPeer } from '../testkit/e2e/room';
import { startServer, type ServerProcess } from '../testkit/e2e/serverProcess';
import { TestClient } from '../testkit/server/TestClient';

const PASSWORD = 'routed signaling';
/** A room's signaling topic (RoomNetwork's TOPIC_PREFIX before the room id). */
const topicOf = (room: string): string => `meshchat/${room}`;

/** The room key as y-webrtc derives it from the password (its crypto.js). */
async function roomKey(room: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(PASSWORD),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: new TextEncoder().encode(room), iterations: 100_000, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
}

/** Opens a publish's data as a member of the room would. */
async function open(data: unknown, key: CryptoKey): Promise<Record<string, unknown>> {
  const decoder = decoding.createDecoder(Buffer.from(String(data), 'base64'));
  assert.equal(decoding.readVarString(decoder), 'AES-GCM');
  const iv = decoding.readVarUint8Array(decoder);
  const cipher = decoding.readVarUint8Array(decoder);
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, cipher);
  return decoding.readAny(decoding.createDecoder(new Uint8Array(plain))) as Record<string, unknown>;
}

let server: ServerProcess;
let stock: BenchServer;
let stockFronted: ServerProcess;
let browser: Browser;
let removeHarness: () => void;
const opened: RoomPeer[] = [];
const listeners: TestClient[] = [];

before(async () => {
  const harness = await buildHarness();
  removeHarness = harness.remove;
  stock = await startBenchServer('stock');
  [server, stockFronted] = await Promise.all([
    startServer(harness.dir),
    // The app from this server, its signaling from the stock one.
    startServer(harness.dir, { SIGNALING_URLS: stock.url }),
  ]);
  browser = await launchBrowser();
});

after(async () => {
  for (const listener of listeners) listener.socket.terminate();
  for (const peer of opened.splice(0)) await peer.context.close().catch(() => undefined);
  await browser.close();
  assert.equal(await server.stop(), 0);
  assert.equal(await stockFronted.stop(), 0);
  await stock.stop();
  removeHarness();
});

/** Two app peers in `room` through `via`, watched by a plain client subscribed to the topic. */
async function pair(via: ServerProcess, signalingUrl: string, room: string): Promise<unknown[]> {
  const listener = await TestClient.connect(signalingUrl);
  listeners.push(listener);
  await listener.subscribe(topicOf(room));
  const url = `${via.url}/index.html`;
  const join = async (name: string): Promise<RoomPeer> => {
    const peer = await joinRoom(browser, url, {
      roomId: room,
      name,
      mesh: true,
      password: PASSWORD,
    });
    opened.push(peer);
    return peer;
  };
  const a = await join('Ann');
  const b = await join('Bob');
  await Promise.all([a, b].map((p) => peersReach(p.page, 1)));
  await a.page.evaluate(() => window.harness.send('through a routed room'));
  await messagesReach(b.page, 1);
  await listener.roundTrip();
  const key = await roomKey(topicOf(room));
  const seen = await Promise.all(listener.publishes(topicOf(room)).map((m) => open(m.data, key)));
  return seen.map((data) => data.type);
}

describe('routed signaling between app peers', () => {
  it(
    'keeps offers, answers and candidates from members they are not for',
    { timeout: 120_000 },
    async () => {
      const types = await pair(
        server,
        `ws://127.0.0.1:${server.port}/signal`,
        `routed-${process.pid}`,
      );
      assert.ok(types.includes('announce'), `the listener heard the room: ${types.join(', ')}`);
      assert.deepEqual(
        types.filter((type) => type === 'signal' || type === 'mesh-dial'),
        [],
      );
    },
  );

  it(
    'connects the same way through a stock server, which relays everything',
    { timeout: 120_000 },
    async () => {
      const types = await pair(stockFronted, stock.url, `stock-${process.pid}`);
      assert.ok(
        types.includes('signal'),
        `the stock server relays offers to all: ${types.join(', ')}`,
      );
    },
  );
});
