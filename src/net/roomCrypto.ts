import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** y-webrtc's encryption of room data (its crypto.js): AES-GCM over a lib0 frame. */
export async function encryptRoom(data: Uint8Array, key: CryptoKey | null): Promise<Uint8Array> {
  if (!key) return data;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(data));
  const e = encoding.createEncoder();
  encoding.writeVarString(e, 'AES-GCM');
  encoding.writeVarUint8Array(e, iv);
  encoding.writeVarUint8Array(e, new Uint8Array(cipher));
  return encoding.toUint8Array(e);
}

/** Opens what {@link encryptRoom} (and y-webrtc's crypto.js) made; throws for another key. */
export async function decryptRoom(data: Uint8Array, key: CryptoKey | null): Promise<Uint8Array> {
  if (!key) return data;
  const d = decoding.createDecoder(data);
  if (decoding.readVarString(d) !== 'AES-GCM') throw new Error('unknown room encryption');
  const iv = new Uint8Array(decoding.readVarUint8Array(d));
  const cipher = decoding.readVarUint8Array(d);
  return new Uint8Array(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(cipher)),
  );
}
