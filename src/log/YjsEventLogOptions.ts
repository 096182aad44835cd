import type * as Y from 'yjs';
import type { QuotaLimits } from './AuthorQuota';
import type { RejectReason } from './schema';
import type { SignatureVerifier, Signer } from './signing';

export interface YjsEventLogOptions {
  /** The room's document; the log reads and writes its `messages` and `batches` maps. */
  readonly doc: Y.Doc;
  /** Bound into every signature, so a message cannot be replayed into another room. */
  readonly roomId: string;
  readonly signer: Signer;
  readonly verifier: SignatureVerifier;
  /** Longest accepted message, in UTF-16 code units (default 16,384). */
  readonly maxMessageLength?: number;
  readonly now?: () => number;
  /** Told about every entry turned away (it is never delivered). */
  readonly onReject?: (id: string, reason: RejectReason) => void;
  /**
   * The transaction origin of updates loaded from this tab's storage: their entries are
   * reported with `stored: true`, as are the entries the document held when the log was made.
   */
  readonly storedOrigin?: unknown;
  /** Entries kept while their batch has not arrived (default 100,000; oldest batch dropped). */
  readonly maxPending?: number;
  /** What one author may make this reader hold (AuthorQuota.ts; this tab's own: no limit). */
  readonly quota?: QuotaLimits;
}
