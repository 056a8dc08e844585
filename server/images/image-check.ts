import type { ImageType } from '../protocol.js';
import { HttpError } from '../http/http-error.js';
import { sniffImage, type SniffedImage } from './image-sniffer.js';

export const IMAGE_TYPES: readonly ImageType[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** The declared type, if it is one a room accepts (parameters ignored); 415 otherwise. */
export function declaredImageType(header: string): ImageType {
  const type = header.split(';')[0]!.trim().toLowerCase();
  const known = IMAGE_TYPES.find((allowed) => allowed === type);
  if (known === undefined) throw new HttpError(415, `Send the image as one of ${IMAGE_TYPES.join(', ')}.`);
  return known;
}

/**
 * What the bytes are, checked against what was declared: a renamed text file or an SVG
 * is 415, a picture wider or taller than `maxPixels` 400, and one still carrying
 * EXIF or XMP 400, so no client can pass a camera's metadata on to the room.
 */
export function checkImage(data: Uint8Array, declared: ImageType, maxPixels: number): SniffedImage {
  const sniffed = sniffImage(data);
  if (sniffed === undefined || sniffed.type !== declared) throw new HttpError(415, `The body is not a ${declared} image.`);
  if (sniffed.width > maxPixels || sniffed.height > maxPixels) {
    throw new HttpError(400, `An image may be at most ${maxPixels} pixels wide and high; this one is ${sniffed.width}×${sniffed.height}.`);
  }
  if (sniffed.metadata) throw new HttpError(400, 'The image carries EXIF or XMP metadata (camera, GPS position); re-encode it without.');
  return sniffed;
}
