import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { BODY_LIMIT_BYTES, POLL_MAX_EVENTS } from '../protocol.js';
import type { Logger } from '../logger.js';
import type { RoomStore } from '../store/room-store.js';
import { errorReply } from './error-handler.js';
import { HttpError } from './http-error.js';
import type { PollHub } from './poll-hub.js';
import { checkContentType, sendFields } from './request-body.js';
import { logRequest } from './request-log.js';
import { bearerToken, cursorParam, holdParam, wellFormedRoomId } from './request-params.js';
import { COMMON_SECURITY_HEADERS } from './security-headers.js';

export interface HotRouteDeps {
  config: Config;
  store: RoomStore;
  hub: PollHub;
  logger: Logger;
}

/** Answers the request and returns true, or returns false for Koa to answer it. */
export type HotRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

// Only these two, exactly: every other method, path or trailing slash goes to Koa.
const POLL = /^\/rooms\/([^/?]*)\/poll(?:\?(.*))?$/;
const SEND = /^\/rooms\/([^/?]*)\/send(?:\?.*)?$/;

/**
 * GET /rooms/:room/poll and POST /rooms/:room/send on plain node:http. They are nearly every
 * request a typing conversation makes, and Koa's pipeline (context objects, router dispatch,
 * body parser) cost about 40 % of the server's CPU per keystroke in the benchmark (bench/,
 * workload a) and a context held alive per waiting poll. The protocol is the same: they use
 * the API's own validators, error sentences, headers and log line, and the protocol suite
 * runs through them (createApp's callback() puts them in front of Koa).
 */
export function createHotRoutes({ config, store, hub, logger }: HotRouteDeps): HotRoutes {
  const answer = (req: IncomingMessage, res: ServerResponse, route: string, started: number, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.headersSent) return; // answered already: writing again would throw out of a promise chain
    const json = JSON.stringify(body);
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(json),
      'Cache-Control': 'no-store',
      ...COMMON_SECURITY_HEADERS,
    });
    res.end(json);
    logRequest(logger, req.method ?? '', route, status, performance.now() - started);
  };
  const fail = (req: IncomingMessage, res: ServerResponse, route: string, started: number, error: unknown): void => {
    const reply = errorReply(error, logger);
    answer(req, res, route, started, reply.status, reply.body, reply.headers);
  };

  const poll = (req: IncomingMessage, res: ServerResponse, room: string | undefined, query: string | undefined): void => {
    const route = '/rooms/:room/poll';
    const started = performance.now();
    try {
      const seated = wellFormedRoomId(room);
      const token = bearerToken(req.headers.authorization);
      const params = new URLSearchParams(query ?? '');
      const cursor = cursorParam(queryValue(params, 'cursor'));
      const holdMs = holdParam(queryValue(params, 'wait'), config.pollHoldMs);
      hub
        .poll({ room: seated, token, cursor, holdMs, limit: POLL_MAX_EVENTS, connection: res })
        .then((result) => answer(req, res, route, started, 200, result))
        .catch((error: unknown) => fail(req, res, route, started, error));
    } catch (error) {
      fail(req, res, route, started, error);
    }
  };

  const send = (req: IncomingMessage, res: ServerResponse, room: string | undefined): void => {
    const route = '/rooms/:room/send';
    const started = performance.now();
    readBody(req).then(
      async (raw) => {
        const seated = wellFormedRoomId(room);
        const token = bearerToken(req.headers.authorization);
        const { isText } = raw === undefined ? { isText: false } : checkContentType(req.headers['content-type'] ?? '');
        const { text, seq } = sendFields(raw === undefined || isText ? raw : parseJson(raw), isText);
        answer(req, res, route, started, 200, await store.send(seated, token, text, seq));
      },
    ).catch((error: unknown) => fail(req, res, route, started, error));
  };

  return function hotRoutes(req, res) {
    const url = req.url ?? '';
    const polling = POLL.exec(url);
    const sending = polling ? null : SEND.exec(url);
    if (polling === null && sending === null) return false;
    if (polling && req.method === 'GET') poll(req, res, decode(polling[1]), polling[2]);
    else if (sending && req.method === 'POST') send(req, res, decode(sending[1]));
    else {
      req.resume();
      const error = new HttpError(405, 'This method is not allowed here.', { Allow: polling ? 'GET' : 'POST' });
      fail(req, res, polling ? '/rooms/:room/poll' : '/rooms/:room/send', performance.now(), error);
    }
    return true;
  };
}

/** Absent, once, or repeated (which the validators refuse), as Koa's ctx.query has it. */
function queryValue(params: URLSearchParams, name: string): string | string[] | undefined {
  const values = params.getAll(name);
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

function decode(segment: string | undefined): string | undefined {
  try {
    return segment === undefined ? undefined : decodeURIComponent(segment);
  } catch {
    return undefined; // malformed escapes: answered like any malformed room id
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // The parser's message quotes the body, so it never leaves here.
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
}

/** The body as UTF-8 text, undefined when there is none; 413 past BODY_LIMIT_BYTES. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!(declared > 0) && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return Promise.resolve(undefined);
  }
  const tooLarge = (): HttpError => new HttpError(413, `The request body is larger than ${BODY_LIMIT_BYTES} bytes.`, { Connection: 'close' });
  if (declared > BODY_LIMIT_BYTES) {
    req.resume(); // drain what the client sends; the answer closes the connection
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks, size).toString('utf8')));
    req.on('error', reject);
  });
}
