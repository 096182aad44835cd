import * as Y from 'yjs';
import { Identity } from '../../identity/Identity';
import { MemoryKeyStore } from '../../identity/MemoryKeyStore';
import { Verifier } from '../../identity/Verifier';
import { YjsEventLog } from '../../log/YjsEventLog';

/**
 * Logs of one room's document with `count` messages from each of two authors ("ann 0",
 * "ben 0", ...), all signed and verified: the first log is Ann's, the second Ben's.
 */
export async function twoAuthors(roomId: string, count: number): Promise<YjsEventLog[]> {
  const doc = new Y.Doc();
  const verifier = new Verifier();
  const logs: YjsEventLog[] = [];
  for (const name of ['ann', 'ben']) {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    const log = new YjsEventLog({ doc, roomId, signer: identity, verifier });
    for (let i = 0; i < count; i += 1) log.append(identity.userId, `${name} ${i}`);
    await log.whenProcessed();
    logs.push(log);
  }
  await Promise.all(logs.map((log) => log.whenProcessed()));
  return logs;
}
