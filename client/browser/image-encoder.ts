/** The longest edge of a shared picture: sharp on a phone or a laptop, a few hundred KB as JPEG. */
export const IMAGE_MAX_EDGE_PX = 1600;
/** The server's default IMAGE_MAX_BYTES; a server set lower answers 413, shown to the sender. */
export const IMAGE_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
// 0.85: no visible artefacts on photos at a third of the size of 0.95.
const JPEG_QUALITY = 0.85;
// Each retry shrinks the edge to this share, so a huge scan still gets under the limit in a few tries.
const SHRINK = 0.7;
const MAX_TRIES = 4;

/**
 * Decodes the picture and draws it afresh on a canvas, so what is uploaded is pixels only:
 * the original's EXIF (GPS position, camera serial), XMP and comments never leave the
 * device. Downscaled to IMAGE_MAX_EDGE_PX, as JPEG. Undefined when the browser cannot decode it.
 */
export async function reencodeImage(doc: Document, file: Blob): Promise<Blob | undefined> {
  const win = doc.defaultView;
  if (!win) return undefined;
  let bitmap: ImageBitmap;
  try {
    // 'from-image' applies the EXIF orientation before it is dropped, so the picture stays upright.
    bitmap = await win.createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return undefined;
  }
  try {
    let edge = IMAGE_MAX_EDGE_PX;
    for (let attempt = 0; attempt < MAX_TRIES; attempt += 1, edge *= SHRINK) {
      const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
      const canvas = doc.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const context = canvas.getContext('2d');
      if (!context) return undefined;
      // JPEG has no transparency: a transparent PNG shows on white rather than black.
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
      canvas.width = 0; // frees the pixels now rather than at the next collection
      if (blob && blob.size <= IMAGE_UPLOAD_MAX_BYTES) return blob;
    }
    return undefined;
  } finally {
    bitmap.close();
  }
}
