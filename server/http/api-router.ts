import Router from '@koa/router';
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { RoomError } from '../domain/room-error.js';
import { friendlyName } from '../names.js';
import type { CreateRoomResponse, JoinResponse, RoomResponse } from '../protocol.js';
import type { RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';
import { HttpError } from './http-error.js';
import { joinKeyFrom, registerHostRoutes, roomResponse } from './host-routes.js';
import type { RoomFactory } from './room-factory.js';
import { bearerToken, seatedRoomId } from './request-params.js';
import { jsonObject, nameFrom, parseBody, presenceFrom } from './request-body.js';

export interface ApiDeps {
  config: Config;
  store: RoomStore;
  roomIds: RoomIds;
  rooms: RoomFactory;
}

/** The JSON API of protocol v1 (docs/protocol.md), but for poll and send: hot-routes.ts answers those. */
export function createApiRouter({ config, store, roomIds, rooms }: ApiDeps): Router {
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
    ctx.body = (await roomResponse(ctx, store, snapshot, timing)) satisfies RoomResponse;
  });

  router.post('/rooms/:room/join', body, async (ctx) => {
    const room = knownRoomId(ctx, roomIds);
    const name = nameFrom(jsonObject(ctx)) ?? friendlyName();
    const joined = await store.join(room, name, joinKeyFrom(ctx));
    ctx.status = 201;
    ctx.body = {
      participant: joined.participant,
      token: joined.token,
      name: joined.name,
      cursor: joined.cursor,
      ...timing,
      capacity: joined.capacity,
      participants: joined.participants,
      host: joined.host,
    } satisfies JoinResponse;
  });

  router.post('/rooms/:room/presence', body, async (ctx) => {
    const room = seatedRoomId(ctx.params.room);
    const token = bearerToken(ctx.get('Authorization'));
    await store.setPresence(room, token, presenceFrom(jsonObject(ctx)));
    ctx.status = 204;
  });

  router.post('/rooms/:room/leave', body, async (ctx) => {
    const room = seatedRoomId(ctx.params.room);
    await store.leave(room, bearerToken(ctx.get('Authorization'), leaveBodyToken(ctx)));
    ctx.status = 204;
  });

  registerHostRoutes(router, store);
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
