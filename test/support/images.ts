import { crc32 } from 'node:zlib';

// Small generated images: a valid header with the given size, then `payload` bytes of filler
// where a decoder would find pixel data. The server reads headers only, so nothing needs decoding.

function u32be(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function pngChunk(kind: string, data: Buffer): Buffer {
  const head = Buffer.from(kind, 'latin1');
  return Buffer.concat([u32be(data.length), head, data, u32be(crc32(Buffer.concat([head, data])))]);
}

export function png(width: number, height: number, options: { payload?: Buffer; exif?: boolean } = {}): Buffer {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 6, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(options.exif ? [pngChunk('eXIf', Buffer.from('MM\0*GPS'))] : []),
    pngChunk('IDAT', options.payload ?? Buffer.alloc(16)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function segment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

export function jpeg(width: number, height: number, options: { payload?: Buffer; exif?: boolean; xmp?: boolean } = {}): Buffer {
  const sof = Buffer.from([8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...(options.exif ? [segment(0xe1, Buffer.from('Exif\0\0MM\0*GPS-serial', 'latin1'))] : []),
    ...(options.xmp ? [segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>', 'latin1'))] : []),
    segment(0xc0, sof),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    options.payload ?? Buffer.alloc(16),
    Buffer.from([0xff, 0xd9]),
  ]);
}

export function gif(width: number, height: number, options: { payload?: Buffer } = {}): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, options.payload ?? Buffer.alloc(16), Buffer.from([0x3b])]);
}

function riff(chunks: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(chunks.length + 4);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, Buffer.from('WEBP', 'latin1'), chunks]);
}

function riffChunk(kind: string, data: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(data.length);
  return Buffer.concat([Buffer.from(kind, 'latin1'), size, data, data.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** Lossy (VP8), lossless (VP8L) or extended (VP8X, optionally flagged as carrying EXIF). */
export function webp(width: number, height: number, options: { kind?: 'VP8 ' | 'VP8L' | 'VP8X'; payload?: Buffer; exif?: boolean } = {}): Buffer {
  const payload = options.payload ?? Buffer.alloc(16);
  const kind = options.kind ?? 'VP8 ';
  if (kind === 'VP8 ') {
    const frame = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0, 0, 0, 0]);
    frame.writeUInt16LE(width, 6);
    frame.writeUInt16LE(height, 8);
    return riff(riffChunk('VP8 ', Buffer.concat([frame, payload])));
  }
  if (kind === 'VP8L') {
    const head = Buffer.alloc(5);
    head[0] = 0x2f;
    head.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 1);
    return riff(riffChunk('VP8L', Buffer.concat([head, payload])));
  }
  const head = Buffer.alloc(10);
  head[0] = options.exif ? 0x08 : 0;
  head.writeUIntLE(width - 1, 4, 3);
  head.writeUIntLE(height - 1, 7, 3);
  return riff(Buffer.concat([riffChunk('VP8X', head), riffChunk('VP8L', Buffer.concat([Buffer.from([0x2f, 0, 0, 0, 0]), payload]))]));
}

export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');

/** A PNG of exactly `bytes` bytes (filler in its IDAT chunk). */
export function pngOfSize(bytes: number, width = 64, height = 64): Buffer {
  const overhead = png(width, height, { payload: Buffer.alloc(0) }).length;
  return png(width, height, { payload: Buffer.alloc(bytes - overhead, 7) });
}
