import type { ImageType } from '../protocol.js';

/** What the bytes themselves say: their type (from the magic number), size, and whether they carry metadata. */
export interface SniffedImage {
  type: ImageType;
  width: number;
  height: number;
  /** An EXIF or XMP block (JPEG APP1, PNG eXIf/iTXt XMP, WebP EXIF/XMP flags): camera, GPS, serial numbers. */
  metadata: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads the header of a PNG, JPEG, WebP or GIF. Undefined for anything else (SVG, text,
 * a truncated or malformed header): the Content-Type header is never taken on trust.
 */
export function sniffImage(bytes: Uint8Array): SniffedImage | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webp(bytes);
  const gif = ascii(bytes, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') return sized('image/gif', u16le(bytes, 6), u16le(bytes, 8), false);
  return undefined;
}

function png(bytes: Uint8Array): SniffedImage | undefined {
  if (ascii(bytes, 12, 4) !== 'IHDR') return undefined;
  const width = u32be(bytes, 16);
  const height = u32be(bytes, 20);
  // Chunks up to the image data: eXIf is EXIF, an iTXt keyed XML:com.adobe.xmp is XMP.
  let metadata = false;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = u32be(bytes, at) ?? 0;
    const kind = ascii(bytes, at + 4, 4);
    if (kind === 'IDAT' || kind === 'IEND') break;
    if (kind === 'eXIf' || (kind === 'iTXt' && ascii(bytes, at + 8, 17) === 'XML:com.adobe.xmp')) metadata = true;
    at += 12 + length;
  }
  return sized('image/png', width, height, metadata);
}

// Start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size.
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const JPEG_APP1 = 0xe1;
const JPEG_START_OF_SCAN = 0xda;

/** Walks the segments before the scan: every APP1 (EXIF, XMP) counts as metadata; the first SOF gives the size. */
function jpeg(bytes: Uint8Array): SniffedImage | undefined {
  let metadata = false;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === JPEG_START_OF_SCAN) return undefined; // a scan before any frame header
    const length = u16be(bytes, at + 2)!;
    if (length < 2) return undefined;
    if (marker === JPEG_APP1) metadata = true;
    if (JPEG_SOF.has(marker)) return sized('image/jpeg', u16be(bytes, at + 7), u16be(bytes, at + 5), metadata);
    at += 2 + length;
  }
  return undefined;
}

// VP8X flags: EXIF and XMP chunks present.
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function webp(bytes: Uint8Array): SniffedImage | undefined {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') {
    // Lossy: a 3-byte frame tag, the start code 9d 01 2a, then 14-bit width and height.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
    const width = u16le(bytes, 26);
    const height = u16le(bytes, 28);
    return width === undefined || height === undefined ? undefined : sized('image/webp', width & 0x3fff, height & 0x3fff, false);
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width - 1 and height - 1 in 14 bits each, little-endian.
    if (bytes[20] !== 0x2f || bytes.length < 25) return undefined;
    const bits = bytes[21]! | (bytes[22]! << 8) | (bytes[23]! << 16) | (bytes[24]! << 24);
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, false);
  }
  if (chunk === 'VP8X') {
    if (bytes.length < 30) return undefined;
    const flags = bytes[20]!;
    const width = u24le(bytes, 24) + 1;
    const height = u24le(bytes, 27) + 1;
    return sized('image/webp', width, height, (flags & (VP8X_EXIF | VP8X_XMP)) !== 0);
  }
  return undefined;
}

function sized(type: ImageType, width: number | undefined, height: number | undefined, metadata: boolean): SniffedImage | undefined {
  if (width === undefined || height === undefined || width === 0 || height === 0) return undefined;
  return { type, width, height, metadata };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (at + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function u16le(bytes: Uint8Array, at: number): number | undefined {
  return at + 2 <= bytes.length ? bytes[at]! | (bytes[at + 1]! << 8) : undefined;
}

function u16be(bytes: Uint8Array, at: number): number | undefined {
  return at + 2 <= bytes.length ? (bytes[at]! << 8) | bytes[at + 1]! : undefined;
}

function u24le(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
}

function u32be(bytes: Uint8Array, at: number): number | undefined {
  return at + 4 <= bytes.length ? ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) : undefined;
}
