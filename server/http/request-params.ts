import { parseCursor, type Cursor } from '../domain/cursor.js';
import { RoomError } from '../domain/room-error.js';
import { ROOM_ID_SHAPE } from '../room-ids.js';
import type { Context } from 'koa';
import { HttpError } from './http-error.js';
import { readBody, type RequestBody } from './request-body.js';

// A query parameter as Koa's ctx.query has it: absent, once, or repeated (which the validators refuse).
type QueryValue = string | string[] | undefined;

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,128})$/;

/** The token of `Authorization: Bearer <token>`; `fallback` (leave's body token) only when the header is absent. */
export function bearerToken(header: string | undefined, fallback?: string): string {
  const match = BEARER.exec(header ?? '');
  if (match) return match[1]!;
  if (!header && fallback !== undefined) return fallback;
  throw new HttpError(401, 'Send the token from join as "Authorization: Bearer <token>".', { 'WWW-Authenticate': 'Bearer' });
}

/**
 * Where a token is required, a malformed room id is answered like a token of another room.
 * Only the shape is checked here: the store's token lookup already answers 401 for any id
 * it never issued, and decoding hashids on every poll and send cost 8 % of the server's CPU
 * under the typing benchmark (bench/, workload a).
 */
export function wellFormedRoomId(room: string | undefined): string {
  if (room === undefined || !ROOM_ID_SHAPE.test(room)) throw new RoomError('bad-token');
  return room;
}

export function cursorParam(raw: QueryValue): Cursor | undefined {
  if (raw === undefined) return undefined;
  const cursor = typeof raw === 'string' ? parseCursor(raw) : undefined;
  if (cursor === undefined) throw new HttpError(400, '"cursor" must be a cursor this server returned.');
  return cursor;
}

/** How long to hold: `wait` ms if given, never more than POLL_HOLD_MS. */
export function holdParam(raw: QueryValue, pollHoldMs: number): number {
  if (raw === undefined) return pollHoldMs;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw new HttpError(400, '"wait" must be a whole number of milliseconds.');
  return Math.min(Number(raw), pollHoldMs);
}

/** What a participant's POST carries: its body (read first, so the connection is drained), room and token. */
export async function participantPost(ctx: Context, room: string | undefined): Promise<{ body: RequestBody | undefined; room: string; token: string }> {
  const body = await readBody(ctx);
  return { body, room: wellFormedRoomId(room), token: bearerToken(ctx.req.headers.authorization) };
}
