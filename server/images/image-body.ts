import type { IncomingMessage } from 'node:http';
import type { ByteBudget } from '../domain/byte-budget.js';
import { HttpError } from '../http/http-error.js';

/** An upload read into memory, holding its bytes against the process budget until released. */
export interface ImageBody {
  data: Buffer;
  /** Gives the bytes back to the budget; idempotent. */
  release(): void;
}

// The rest of an oversized or refused upload is never read: the connection closes after the answer.
const CLOSE = { Connection: 'close' };

/**
 * Reads a raw body of at most `maxBytes` against `budget` (PROCESS_IMAGE_BYTES): past
 * `maxBytes` it stops with 413, and when the process holds its budget it stops with 429,
 * so no upload is ever buffered beyond either. A declared Content-Length is taken from the
 * budget whole, before a byte is read, and the chunks are copied into one buffer of that
 * size as they arrive: a refused upload costs no reading, and an accepted one is held once,
 * not as a list of chunks and then again as their concatenation. A body of unknown length
 * (chunked) takes its bytes chunk by chunk. The budget counts what is allocated, so a client
 * that declares a length and then sends slowly holds that much of it until its request times
 * out (REQUEST_TIMEOUT_MS): that delays other uploads, never memory beyond the budget.
 */
export async function readImageBody(req: IncomingMessage, maxBytes: number, budget: ByteBudget): Promise<ImageBody> {
  // Node's parser refuses a malformed Content-Length before the app sees the request.
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && !Number.isSafeInteger(declared)) throw new HttpError(400, 'Content-Length must be a whole number of bytes.', CLOSE);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
  if (declared === 0) throw empty();
  let held = 0;
  const release = (): void => {
    budget.give(held);
    held = 0;
  };
  const take = (bytes: number): void => {
    if (!budget.take(bytes)) throw new HttpError(429, 'This server is receiving as many image bytes as it can; try again shortly.', { 'Retry-After': '2', ...CLOSE });
    held += bytes;
  };
  try {
    if (declared !== undefined) {
      take(declared);
      return { data: await readDeclared(req, declared), release };
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (received + chunk.length > maxBytes) throw tooLarge(maxBytes);
      take(chunk.length);
      received += chunk.length;
      chunks.push(chunk);
    }
    if (received === 0) throw empty();
    return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received), release };
  } catch (error) {
    release();
    if (error instanceof HttpError) throw error;
    // The client went away mid-upload (aborted, reset): nobody is left to read the answer.
    throw new HttpError(400, 'The upload was cut short.', CLOSE);
  }
}

/** Copies a body of exactly `length` bytes (Node's parser enforces Content-Length) into one buffer. */
async function readDeclared(req: IncomingMessage, length: number): Promise<Buffer> {
  const data = Buffer.allocUnsafe(length);
  let offset = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) offset += chunk.copy(data, offset);
  if (offset !== length) throw new Error('body shorter than its Content-Length');
  return data;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `An image may be at most ${maxBytes} bytes.`, CLOSE);
}

function empty(): HttpError {
  return new HttpError(400, 'Send the image bytes as the request body.');
}
