import type { SignedEntry } from '../log/schema';

/** A segment to open (segmentOpenWorker.ts): `call` pairs it with its reply. */
export interface OpenRequest {
  readonly call: number;
  readonly roomId: string;
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** The entries of an opened segment, why it was refused, or why opening failed. */
export type OpenReply =
  | { readonly call: number; readonly entries: SignedEntry[] }
  | { readonly call: number; readonly refused: string }
  | { readonly call: number; readonly failed: string };
