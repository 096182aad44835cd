import { encodeBase64url } from '../../identity/base64url';
import {
  batchBytes,
  batchIdOf,
  entryHash,
  joinHashes,
  leafHash,
  type EncodedBatch,
} from '../../log/batches';
import type { EncodedEntry } from '../../log/schema';
import type { Signer } from '../../log/signing';

/** One entry as a hostile writer drafts it: any author, any times, any text. */
export interface ForgedDraft {
  /** The author the entry names (a forger may name someone else). */
  readonly u: string;
  readonly t: number;
  readonly c: number;
  readonly m: string;
  /** Version 1 only: the entry's (random) id. */
  readonly id?: string;
  /** Version 2: an entry kind (edit, delete: src/log/entryKinds.ts). */
  readonly k?: string;
}

/** A batch record and its entries, as they would be written into the room's maps. */
export interface ForgedBatch {
  readonly batchId: string;
  readonly batch: EncodedBatch;
  readonly entries: [string, EncodedEntry][];
}

/**
 * A version 2 batch signed by `signer` for `roomId`, naming author `u` (a forger may name
 * someone else; the signature is still `signer`'s), covering `drafts`. Its ids are the
 * content hashes a v2 reader expects, so only the checks that matter can turn it away.
 */
export async function signBatchV2(
  signer: Signer,
  roomId: string,
  u: string,
  drafts: readonly ForgedDraft[],
): Promise<ForgedBatch> {
  const hashes = drafts.map((d) =>
    entryHash({ userId: d.u, unixTime: d.t, clock: d.c, message: d.m, kind: d.k }),
  );
  const h = joinHashes(hashes);
  const batchId = batchIdOf(roomId, u, h);
  const g = encodeBase64url(await signer.sign(batchBytes(2, roomId, '', u, h)));
  return {
    batchId,
    batch: { v: 2, u, h, g },
    entries: drafts.map((d, i) => [
      encodeBase64url(hashes[i] as Uint8Array),
      {
        v: 2,
        u: d.u,
        t: d.t,
        c: d.c,
        m: d.m,
        b: batchId,
        i,
        ...(d.k === undefined ? {} : { k: d.k }),
      },
    ]),
  };
}

/** A version 1 batch (random ids, as schema v1 wrote them) under a chosen batch id. */
export async function signBatchV1(
  signer: Signer,
  roomId: string,
  batchId: string,
  u: string,
  drafts: readonly ForgedDraft[],
): Promise<ForgedBatch> {
  const h = joinHashes(
    drafts.map((d) =>
      leafHash({
        id: d.id ?? '',
        userId: d.u,
        unixTime: d.t,
        clock: d.c,
        message: d.m,
        version: 1,
      }),
    ),
  );
  const g = encodeBase64url(await signer.sign(batchBytes(1, roomId, batchId, u, h)));
  return {
    batchId,
    batch: { v: 1, u, h, g },
    entries: drafts.map((d, i) => [
      d.id ?? '',
      { v: 1, u: d.u, t: d.t, c: d.c, m: d.m, b: batchId, i },
    ]),
  };
}
