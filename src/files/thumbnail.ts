/**
 * A small preview of an image, made in the browser (createImageBitmap and an OffscreenCanvas):
 * WebP (JPEG where the browser cannot write WebP), at most MAX_THUMB_BYTES, so it fits in the
 * file's log entry and shows before the image's bytes have been fetched.
 */
import { encodeBase64url } from '../identity/base64url';
import { MAX_THUMB_BYTES, VIEWABLE_IMAGE_TYPES, isThumb } from '../log/fileEntry';

/** Longest side of a thumbnail, tried largest first. */
const SIDES = [200, 140, 96, 64];
const QUALITIES = [0.7, 0.45];

/** base64url of a thumbnail of `image`, or '' when it is no image this browser can decode. */
export async function makeThumbnail(image: Blob, type: string): Promise<string> {
  if (!VIEWABLE_IMAGE_TYPES.has(type) || typeof OffscreenCanvas === 'undefined') return '';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image);
  } catch {
    return '';
  }
  try {
    for (const side of SIDES) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      if (!context) return '';
      context.drawImage(bitmap, 0, 0, width, height);
      for (const quality of QUALITIES) {
        for (const format of ['image/webp', 'image/jpeg']) {
          const blob = await canvas.convertToBlob({ type: format, quality });
          if (blob.type !== format || blob.size > MAX_THUMB_BYTES) continue;
          const text = encodeBase64url(new Uint8Array(await blob.arrayBuffer()));
          if (isThumb(text)) return text;
        }
      }
    }
    return '';
  } finally {
    bitmap.close();
  }
}
