import type { Context } from 'koa';
import { BODY_LIMIT_BYTES, NAME_MAX_CHARS, TEXT_MAX_CHARS, type PresenceState } from '../protocol.js';
import { MAX_COMBINING_MARKS, nameProblem, textProblem, type TextProblem } from '../text-rules.js';
import { HttpError } from './http-error.js';

/** A request body: the parsed JSON value, or the text itself when it came as text/plain. */
export interface RequestBody {
  readonly isText: boolean;
  readonly value: unknown;
}

const tooLarge = (): HttpError =>
  // Closing is the only way to stop a client that keeps sending; the next request gets a fresh connection.
  new HttpError(413, `The request body is larger than ${BODY_LIMIT_BYTES} bytes.`, { Connection: 'close' });

/**
 * The one body reader, for every route: JSON or text/plain in UTF-8, at most
 * BODY_LIMIT_BYTES (413 past it, whether declared or streamed); undefined when there is
 * no body. Parser errors quote the body, so they become fixed sentences here.
 */
export async function readBody(ctx: Context): Promise<RequestBody | undefined> {
  const req = ctx.req;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!(declared > 0) && req.headers['transfer-encoding'] === undefined) return undefined;
  if (declared > BODY_LIMIT_BYTES) {
    req.resume(); // drain what the client sends; the answer closes the connection
    throw tooLarge();
  }
  const { isText } = checkContentType(req.headers['content-type'] ?? '');
  const raw = await readText(req);
  if (raw === undefined) return undefined;
  return { isText, value: isText ? raw : parseJson(raw) };
}

/** The body as UTF-8 text (malformed bytes become U+FFFD), undefined when empty. */
function readText(req: Context['req']): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) {
        chunks.push(chunk);
        return;
      }
      release();
      req.resume();
      reject(tooLarge());
    };
    const onEnd = (): void => {
      release();
      resolve(size === 0 ? undefined : Buffer.concat(chunks, size).toString('utf8'));
    };
    // The client went away mid-body (an abort, a reset): a client error, not ours to log as a failure.
    const onCutOff = (): void => {
      release();
      reject(new HttpError(400, 'The request body ended before its declared length.'));
    };
    const release = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onCutOff);
      req.off('close', onCutOff);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onCutOff);
    req.on('close', onCutOff);
  });
}

/** JSON or plain text, in UTF-8 (another charset would be read as UTF-8 and mangled). Returns whether it is text. */
function checkContentType(header: string): { isText: boolean } {
  const [type = '', ...params] = header.toLowerCase().split(';').map((part) => part.trim());
  if (type !== 'application/json' && type !== 'text/plain') {
    throw new HttpError(415, 'Send the body as application/json or text/plain.');
  }
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new HttpError(415, 'The request body must be UTF-8.');
  return { isText: type === 'text/plain' };
}

/**
 * The body as a JSON object; {} when there was none. `textIsJson` reads a text/plain body
 * as JSON, which is what navigator.sendBeacon sends (it cannot set the content type).
 */
export function jsonObject(body: RequestBody | undefined, textIsJson = false): Record<string, unknown> {
  if (body === undefined) return {};
  if (body.isText && textIsJson) return asJsonObject(parseJson(body.value as string));
  return asJsonObject(body.value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the body, so it never leaves here.
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

function asJsonObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new HttpError(400, 'The request body must be a JSON object.');
}

/** `text` and `seq` of a send: JSON `{"text", "seq"?}`, or the text itself as text/plain. */
export function sendFields(raw: RequestBody | undefined): { text: string; seq: number | undefined } {
  if (raw === undefined) throw new HttpError(400, 'Send {"text": "..."} as JSON, or the text itself as text/plain.');
  if (raw.isText) return { text: validText(raw.value), seq: undefined };
  const body = asJsonObject(raw.value);
  const seq = body.seq;
  if (seq !== undefined && !(Number.isSafeInteger(seq) && (seq as number) >= 0)) {
    throw new HttpError(400, '"seq" must be a whole number of 0 or more.');
  }
  return { text: validText(body.text), seq: seq as number | undefined };
}

// Tab, newline and carriage return are typing; other control characters are not. Lone
// surrogates (\p{Cs}) cannot be stored as UTF-8 without turning into something else.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\p{Cs}]/u;

function validText(text: unknown): string {
  if (typeof text !== 'string') throw new HttpError(400, '"text" must be a string.');
  const length = codePoints(text);
  if (length === 0) throw new HttpError(400, '"text" must not be empty.');
  if (length > TEXT_MAX_CHARS) throw new HttpError(400, `"text" must be at most ${TEXT_MAX_CHARS} characters.`);
  if (TEXT_FORBIDDEN.test(text)) throw new HttpError(400, '"text" must not contain control characters (other than tab and newline) or lone surrogates.');
  refuseTextProblem('"text"', textProblem(text));
  return text;
}

// Control characters, and the bidi overrides that would let a name reorder the text around it.
const NAME_FORBIDDEN = /[\p{Cc}\p{Cs}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The trimmed name, or undefined when none was given (the server then makes one up). */
export function nameFrom(body: Record<string, unknown>): string | undefined {
  if (body.name === undefined) return undefined;
  if (typeof body.name !== 'string') throw new HttpError(400, '"name" must be a string.');
  const name = body.name.trim();
  const length = codePoints(name);
  if (length < 1 || length > NAME_MAX_CHARS) throw new HttpError(400, `"name" must be 1 to ${NAME_MAX_CHARS} characters after trimming.`);
  if (NAME_FORBIDDEN.test(name)) throw new HttpError(400, '"name" must not contain control characters.');
  refuseTextProblem('"name"', nameProblem(name));
  return name;
}

const TEXT_PROBLEMS: Record<TextProblem | 'invisible', string> = {
  'too-many-marks': `must not stack more than ${MAX_COMBINING_MARKS} combining marks on one character.`,
  'bidi-control': 'must not contain bidi override or isolate controls (U+202A-U+202E, U+2066-U+2069).',
  'invisible': 'must contain at least one visible character.',
};

function refuseTextProblem(field: string, problem: TextProblem | 'invisible' | undefined): void {
  if (problem !== undefined) throw new HttpError(400, `${field} ${TEXT_PROBLEMS[problem]}`);
}

export function presenceFrom(body: Record<string, unknown>): PresenceState {
  if (body.state === 'away' || body.state === 'here') return body.state;
  throw new HttpError(400, '"state" must be "away" or "here".');
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
