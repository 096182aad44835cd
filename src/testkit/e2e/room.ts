import type { Browser, Page } from 'playwright-core';
import type { ChatEvent } from '../../hub/events';
import type { OpenOptions } from '../harness/harness';
import { newPeer, type Peer } from './browser';

/** A harness page that has opened a room. */
export interface RoomPeer extends Peer {
  readonly userId: string;
}

/** Opens the harness in a fresh context and joins a room. */
export async function joinRoom(
  browser: Browser,
  url: string,
  options: OpenOptions,
): Promise<RoomPeer> {
  const peer = await newPeer(browser, url);
  const userId = await peer.page.evaluate((o) => window.harness.open(o), options);
  return { ...peer, userId };
}

/** Waits (polling inside the page) until it holds `count` verified messages. */
export async function messagesReach(page: Page, count: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction((n) => window.harness.messageCount() >= n, count, {
    timeout: timeoutMs,
    polling: 50,
  });
}

/** The hub events the page's session has received. */
export function eventsOf(page: Page): Promise<ChatEvent[]> {
  return page.evaluate(() => window.harness.events());
}

/** Waits until the page's session has received an event matching type and user. */
export async function eventSeen(
  page: Page,
  type: string,
  userId: string,
  count = 1,
  timeoutMs = 30_000,
): Promise<void> {
  await page.waitForFunction(
    ([t, u, n]) =>
      window.harness.events().filter((e) => e.type === t && e.userId === u).length >= Number(n),
    [type, userId, String(count)] as const,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** Waits until the page has at least `count` WebRTC peers. */
export async function peersReach(page: Page, count: number, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    (n) => ((window.harness.status() as { peers?: number } | undefined)?.peers ?? 0) >= n,
    count,
    { timeout: timeoutMs, polling: 50 },
  );
}
