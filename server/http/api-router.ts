import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { parseCursor, type Cursor } from '../domain/cursor.js';
import { RoomError } from '../domain/room-error.js';
import { POLL_MAX_EVENTS } from '../limits.js';
import { friendlyName } from '../names.js';
import type { CreateRoomResponse, JoinResponse, PollResponse, RoomResponse, SendResponse } from '../protocol.js';
import { ROOM_ID_SHAPE, type RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';
import { HttpError } from './http-error.js';
import type { PollHub } from './poll-hub.js';
import type { RoomFactory } from './room-factory.js';
import { jsonObject, nameFrom, parseBody, presenceFrom, sendBody } from './request-body.js';

export interface ApiDeps {
  config: Config;
  store: RoomStore;
  hub: PollHub;
  roomIds: RoomIds;
  rooms: RoomFactory;
}

/** The JSON API of protocol v1 (docs/protocol.md). */
export function createApiRouter({ config, store, hub, roomIds, rooms }: ApiDeps): Router {
  const router = new Router();
  const body = parseBody();
  const timing = { ttlMs: config.messageTtlMs, holdMs: config.pollHoldMs };

  router.use(async function noStore(ctx, next) {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/healthz', async (ctx) => {
    const ok = await store.healthy();
    ctx.status = ok ? 200 : 503;
    ctx.body = ok ? { ok: true } : { ok: false, error: 'The room store is unavailable.' };
  });

  router.post('/rooms', body, async (ctx) => {
    const capacity = capacityFrom(jsonObject(ctx), config);
    const room = await rooms.create(ctx.ip, capacity);
    ctx.status = 201;
    ctx.set('Location', `/${room}`);
    ctx.body = { room, url: `/${room}`, capacity } satisfies CreateRoomResponse;
  });

  router.get('/rooms/:room', async (ctx) => {
    const room = knownRoomId(ctx, roomIds);
    const snapshot = await store.getRoom(room);
    if (snapshot === undefined) throw new RoomError('room-not-found');
    ctx.body = { ...snapshot, ...timing } satisfies RoomResponse;
  });

  router.post('/rooms/:room/join', body, async (ctx) => {
    const room = knownRoomId(ctx, roomIds);
    const name = nameFrom(jsonObject(ctx)) ?? friendlyName();
    const joined = await store.join(room, name);
    ctx.status = 201;
    ctx.body = {
      participant: joined.participant,
      token: joined.token,
      name: joined.name,
      cursor: joined.cursor,
      ...timing,
      capacity: joined.capacity,
      participants: joined.participants,
    } satisfies JoinResponse;
  });

  router.post('/rooms/:room/send', body, async (ctx) => {
    const room = seatedRoomId(ctx);
    const token = bearerToken(ctx);
    const { text, seq } = sendBody(ctx);
    ctx.body = (await store.send(room, token, text, seq)) satisfies SendResponse;
  });

  router.post('/rooms/:room/presence', body, async (ctx) => {
    const room = seatedRoomId(ctx);
    const token = bearerToken(ctx);
    await store.setPresence(room, token, presenceFrom(jsonObject(ctx)));
    ctx.status = 204;
  });

  router.post('/rooms/:room/leave', body, async (ctx) => {
    const room = seatedRoomId(ctx);
    await store.leave(room, bearerToken(ctx, leaveBodyToken(ctx)));
    ctx.status = 204;
  });

  router.get('/rooms/:room/poll', async (ctx) => {
    const room = seatedRoomId(ctx);
    const token = bearerToken(ctx);
    const cursor = cursorFrom(ctx);
    const holdMs = Math.min(waitFrom(ctx) ?? config.pollHoldMs, config.pollHoldMs);
    ctx.body = (await hub.poll({ room, token, cursor, holdMs, limit: POLL_MAX_EVENTS, connection: ctx.res })) satisfies PollResponse;
  });

  return router;
}

function capacityFrom(body: Record<string, unknown>, config: Config): number {
  const capacity = body.capacity;
  if (capacity === undefined) return config.roomCapacity;
  if (Number.isInteger(capacity) && (capacity as number) >= 2 && (capacity as number) <= config.roomMaxCapacity) {
    return capacity as number;
  }
  throw new HttpError(400, `"capacity" must be a whole number from 2 to ${config.roomMaxCapacity}.`);
}

/** A malformed id is answered exactly like an unknown room. */
function knownRoomId(ctx: Context, roomIds: RoomIds): string {
  const room = ctx.params.room ?? '';
  if (!roomIds.isValid(room)) throw new RoomError('room-not-found');
  return room;
}

/**
 * Where a token is required, a malformed room id is answered like a token of another room.
 * Only the shape is checked here: the store's token lookup already answers 401 for any id
 * it never issued, and decoding hashids on every poll and send cost 8 % of the server's CPU
 * under the typing benchmark (bench/, workload a).
 */
function seatedRoomId(ctx: Context): string {
  const room = ctx.params.room ?? '';
  if (!ROOM_ID_SHAPE.test(room)) throw new RoomError('bad-token');
  return room;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,128})$/;

function bearerToken(ctx: Context, fallback?: string): string {
  const header = ctx.get('Authorization');
  const match = BEARER.exec(header);
  if (match) return match[1]!;
  if (header === '' && fallback !== undefined) return fallback;
  throw new HttpError(401, 'Send the token from join as "Authorization: Bearer <token>".', { 'WWW-Authenticate': 'Bearer' });
}

/** navigator.sendBeacon cannot set headers, so leave also takes `{"token"}` in a JSON or text/plain body. */
function leaveBodyToken(ctx: Context): string | undefined {
  let body: unknown = ctx.request.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON.');
    }
  }
  if (body === undefined) return undefined;
  const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(token)) {
    throw new HttpError(400, 'The body must be {"token": "<token from join>"}.');
  }
  return token;
}

function cursorFrom(ctx: Context): Cursor | undefined {
  const raw = ctx.query.cursor;
  if (raw === undefined) return undefined;
  const cursor = typeof raw === 'string' ? parseCursor(raw) : undefined;
  if (cursor === undefined) throw new HttpError(400, '"cursor" must be a cursor this server returned.');
  return cursor;
}

function waitFrom(ctx: Context): number | undefined {
  const raw = ctx.query.wait;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw new HttpError(400, '"wait" must be a whole number of milliseconds.');
  return Number(raw);
}
