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
 * Reads a raw body of at most `maxBytes`, chunk by chunk, each chunk taken from `budget`
 * as it arrives: past `maxBytes` it stops with 413, and when the process holds its
 * PROCESS_IMAGE_BYTES it stops with 429, so no upload is ever buffered beyond either.
 */
export async function readImageBody(req: IncomingMessage, maxBytes: number, budget: ByteBudget): Promise<ImageBody> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let held = 0;
  const release = (): void => {
    budget.give(held);
    held = 0;
  };
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (held + chunk.length > maxBytes) throw tooLarge(maxBytes);
      if (!budget.take(chunk.length)) throw new HttpError(429, 'This server is receiving as many image bytes as it can; try again shortly.', { 'Retry-After': '2', ...CLOSE });
      held += chunk.length;
      chunks.push(chunk);
    }
  } catch (error) {
    release();
    if (error instanceof HttpError) throw error;
    // The client went away mid-upload (aborted, reset): nobody is left to read the answer.
    throw new HttpError(400, 'The upload was cut short.', CLOSE);
  }
  if (held === 0) throw new HttpError(400, 'Send the image bytes as the request body.');
  return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, held), release };
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `An image may be at most ${maxBytes} bytes.`, CLOSE);
}
