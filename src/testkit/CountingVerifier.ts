import { Verifier } from '../identity/Verifier';
import type { SignatureVerifier } from '../log/signing';

/** A verifier that counts the signatures it checks. */
export class CountingVerifier implements SignatureVerifier {
  calls = 0;
  private readonly inner = new Verifier();

  verify(userId: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    this.calls += 1;
    return this.inner.verify(userId, data, signature);
  }
}
