/** The 64 characters of base64url, so each random byte's low 6 bits pick one. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ID_LENGTH = 22;
const POOL_BYTES = 4096;

let pool = new Uint8Array(0);
let offset = 0;

/**
 * A random id of 22 base64url characters (132 bits). Random bytes come from a pool refilled
 * 4 KiB at a time: one crypto.getRandomValues call per id made ids the single largest cost of
 * a burst of appends.
 */
export function newId(): string {
  if (offset + ID_LENGTH > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  let id = '';
  for (let k = 0; k < ID_LENGTH; k += 1) id += ALPHABET.charAt((pool[offset + k] as number) & 63);
  offset += ID_LENGTH;
  return id;
}
