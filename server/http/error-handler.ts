import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { RoomError, type RoomErrorCode } from '../domain/room-error.js';
import { HttpError } from './http-error.js';

const ROOM_ERRORS: Record<RoomErrorCode, HttpError> = {
  'room-not-found': new HttpError(404, 'This room does not exist; it may have vanished.'),
  'room-full': new HttpError(409, 'This room is full.'),
  'bad-token': new HttpError(401, 'This token is not (or no longer) seated in this room; join again.', { 'WWW-Authenticate': 'Bearer' }),
  'room-busy': new HttpError(429, 'This room holds too many live events; wait a few seconds and try again.', { 'Retry-After': '2' }),
  'server-full': new HttpError(429, 'This server holds as many rooms as it can; try again later.', { 'Retry-After': '60' }),
  'room-images-full': new HttpError(429, 'This room holds as many image bytes as it may; wait until some vanish.', { 'Retry-After': '5' }),
  'server-images-full': new HttpError(429, 'This server holds as many image bytes as it can; try again shortly.', { 'Retry-After': '5' }),
  'unavailable': new HttpError(503, 'The room store is unavailable; try again shortly.', { 'Retry-After': '1' }),
  'rate-limited': new HttpError(429, 'You are sending faster than this room allows; wait a moment and try again.', { 'Retry-After': '1' }),
  'room-locked': new HttpError(403, 'The host has locked this room to new participants.'),
  'not-host': new HttpError(403, "Only the room's host can do this."),
  'participant-not-found': new HttpError(404, 'Nobody with this participant id is seated in this room.'),
  'kick-self': new HttpError(400, 'The host cannot remove itself; leave the room instead.'),
};

/** The headers a RoomError is answered with: /healthz's 503 carries the API's own Retry-After. */
export function roomErrorHeaders(code: RoomErrorCode): Record<string, string> {
  return ROOM_ERRORS[code].headers;
}

/**
 * The one error funnel: every failure becomes `{"error": sentence}`. Sentences come
 * only from this server's own tables, never from an exception's message, since
 * parsers quote the body they choke on and bodies carry message text.
 */
interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: string };
}

/** What any failure is answered with; unexpected ones are logged (never their message). */
function errorReply(error: unknown, logger: Logger): ErrorReply {
  const known = error instanceof RoomError ? ROOM_ERRORS[error.code] : error instanceof HttpError ? error : undefined;
  if (known === undefined) {
    // Name and stack frames only: the message line may quote user input.
    const stack = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 6).join(' | ').trim() : '';
    logger.log('error', 'unhandled', { errorName: error instanceof Error ? error.name : typeof error, stack });
    return { status: 500, headers: {}, body: { error: 'Something went wrong on our side; try again.' } };
  }
  const headers = error instanceof RoomError && error.retryAfterMs !== undefined ? { ...known.headers, 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) } : known.headers;
  return { status: known.status, headers, body: { error: known.message } };
}

export function errorHandler(logger: Logger): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
    } catch (error) {
      const reply = errorReply(error, logger);
      ctx.status = reply.status;
      ctx.set('Cache-Control', 'no-store');
      for (const [name, value] of Object.entries(reply.headers)) ctx.set(name, value);
      ctx.body = reply.body;
    }
  };
}
