import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../server/images/image-sniffer.js';
import { gif, jpeg, png, SVG, webp } from '../support/images.js';

describe('sniffImage', () => {
  it.each([
    ['a PNG', png(640, 480), 'image/png'],
    ['a JPEG', jpeg(640, 480), 'image/jpeg'],
    ['a GIF', gif(640, 480), 'image/gif'],
    ['a lossy WebP', webp(640, 480), 'image/webp'],
    ['a lossless WebP', webp(640, 480, { kind: 'VP8L' }), 'image/webp'],
    ['an extended WebP', webp(640, 480, { kind: 'VP8X' }), 'image/webp'],
  ])('reads the type and size of %s from its header', (_, bytes, type) => {
    expect(sniffImage(bytes)).toEqual({ type, width: 640, height: 480, metadata: false });
  });

  it.each([
    ['a JPEG with EXIF', jpeg(10, 10, { exif: true })],
    ['a JPEG with XMP', jpeg(10, 10, { xmp: true })],
    ['a PNG with an eXIf chunk', png(10, 10, { exif: true })],
    ['a WebP flagged as carrying EXIF', webp(10, 10, { kind: 'VP8X', exif: true })],
  ])('flags %s as carrying metadata', (_, bytes) => {
    expect(sniffImage(bytes)?.metadata).toBe(true);
  });

  it.each([
    ['SVG', SVG],
    ['text', Buffer.from('hello, this is not a picture')],
    ['an empty body', Buffer.alloc(0)],
    ['a PNG cut inside its header', png(10, 10).subarray(0, 20)],
    ['a JPEG with no frame header', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2])],
    ['a JPEG cut after its start marker', Buffer.from([0xff, 0xd8, 0xff])],
    ['a zero-width GIF', gif(0, 10)],
    ['a RIFF that is not WebP', Buffer.from('RIFF\0\0\0\0WAVEfmt ')],
  ])('finds no image in %s', (_, bytes) => {
    expect(sniffImage(bytes)).toBeUndefined();
  });
});
