import { Hub } from '../hub/Hub';
import { MemoryEventLog } from '../hub/MemoryEventLog';
import { MemoryPresence } from '../hub/MemoryPresence';

/** One hub figure: how many events reached subscribers per second. */
export interface HubFigure {
  readonly subscribers: number;
  readonly messages: number;
  readonly deliveries: number;
  readonly seconds: number;
  readonly deliveriesPerSec: number;
}

/**
 * Sends `messages` messages through a hub with `subscribers` sessions that read as they go
 * (every 100 messages), and reports deliveries per second. The in-memory ports isolate the
 * hub's own cost from replication.
 */
export function measureHub(subscribers: number, messages: number): HubFigure {
  const hub = new Hub({
    chatroomId: 'bench',
    log: new MemoryEventLog(),
    presence: new MemoryPresence(),
    historySize: 100,
  });
  const streams = Array.from({ length: subscribers }, (_, i) => hub.add(`user-${i}`, 's'));
  for (const stream of streams) stream.take();
  const before = hub.stats().delivered;
  let received = 0;
  const started = performance.now();
  for (let i = 0; i < messages; i += 1) {
    hub.message('sender', 'a message of ordinary length, about sixty characters long');
    if (i % 100 === 99) for (const stream of streams) received += stream.take().length;
  }
  for (const stream of streams) received += stream.take().length;
  const seconds = (performance.now() - started) / 1000;
  const deliveries = hub.stats().delivered - before;
  if (received !== deliveries || hub.stats().dropped !== 0) {
    throw new Error(`hub bench lost events: delivered ${deliveries}, received ${received}`);
  }
  hub.close();
  return {
    subscribers,
    messages,
    deliveries,
    seconds,
    deliveriesPerSec: Math.round(deliveries / seconds),
  };
}

/** The hub scenario: 1, 10 and 100 subscribers; up to 200k messages or 2M deliveries. */
export function hubScenario(scale = 1): HubFigure[] {
  return [1, 10, 100].map((subscribers) => {
    const full = Math.min(200_000, 2_000_000 / subscribers);
    const messages = Math.max(100, Math.round(full * scale));
    measureHub(subscribers, Math.min(messages, 1000)); // warm-up
    return measureHub(subscribers, messages);
  });
}
