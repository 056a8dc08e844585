import type { Config } from '../config.js';
import { RoomError } from '../domain/room-error.js';
import { POLL_MAX_EVENTS } from '../protocol.js';
import { friendlyName } from '../names.js';
import type { CreateRoomResponse, JoinResponse, RoomResponse } from '../protocol.js';
import type { RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';
import type { ApiRoutes } from './api-dispatch.js';
import { roomErrorHeaders } from './error-handler.js';
import { HttpError } from './http-error.js';
import { createHostRoutes, joinKeyFrom, roomResponse } from './host-routes.js';
import { createImageRoutes, type ImageRouteDeps } from './image-routes.js';
import type { PollHub } from './poll-hub.js';
import type { RoomFactory } from './room-factory.js';
import { bearerToken, cursorParam, holdParam, participantPost, wellFormedRoomId } from './request-params.js';
import { jsonObject, nameFrom, presenceFrom, readBody, sendFields, type RequestBody } from './request-body.js';

export interface ApiDeps {
  config: Config;
  store: RoomStore;
  hub: PollHub;
  roomIds: RoomIds;
  rooms: RoomFactory;
  images: Omit<ImageRouteDeps, 'config' | 'store'>;
}

/** The JSON API of protocol v1 (docs/protocol.md); api-dispatch.ts routes to it. */
export function createApiRoutes({ config, store, hub, roomIds, rooms, images }: ApiDeps): ApiRoutes {
  const timing = { ttlMs: config.messageTtlMs, holdMs: config.pollHoldMs };

  return {
    '/healthz': {
      async GET(ctx) {
        const ok = await store.healthy();
        ctx.status = ok ? 200 : 503;
        if (!ok) ctx.set(roomErrorHeaders('unavailable'));
        ctx.body = ok ? { ok: true } : { ok: false, error: 'The room store is unavailable.' };
      },
    },

    '/rooms': {
      async POST(ctx) {
        const capacity = capacityFrom(jsonObject(await readBody(ctx)), config);
        const room = await rooms.create(ctx.ip, capacity);
        ctx.status = 201;
        ctx.set('Location', `/${room}`);
        ctx.body = { room, url: `/${room}`, capacity } satisfies CreateRoomResponse;
      },
    },

    '/rooms/:room': {
      async GET(ctx, room) {
        const snapshot = await store.getRoom(knownRoomId(room, roomIds));
        if (snapshot === undefined) throw new RoomError('room-not-found');
        ctx.body = (await roomResponse(ctx, store, snapshot, timing)) satisfies RoomResponse;
      },
    },

    '/rooms/:room/join': {
      async POST(ctx, room) {
        const body = await readBody(ctx);
        const known = knownRoomId(room, roomIds);
        const joined = await store.join(known, nameFrom(jsonObject(body)) ?? friendlyName(), joinKeyFrom(ctx, body));
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
      },
    },

    '/rooms/:room/presence': {
      async POST(ctx, room) {
        const request = await participantPost(ctx, room);
        await store.setPresence(request.room, request.token, presenceFrom(jsonObject(request.body)));
        ctx.status = 204;
      },
    },

    '/rooms/:room/leave': {
      async POST(ctx, room) {
        const body = await readBody(ctx);
        const seated = wellFormedRoomId(room);
        await store.leave(seated, bearerToken(ctx.req.headers.authorization, leaveBodyToken(body)));
        ctx.status = 204;
      },
    },

    '/rooms/:room/send': {
      async POST(ctx, room) {
        const request = await participantPost(ctx, room);
        const { text, seq, gaps } = sendFields(request.body);
        ctx.body = await store.send(request.room, request.token, text, seq, gaps);
      },
    },

    '/rooms/:room/poll': {
      async GET(ctx, room) {
        const seated = wellFormedRoomId(room);
        const token = bearerToken(ctx.req.headers.authorization);
        const { cursor, wait } = ctx.query;
        ctx.body = await hub.poll({
          room: seated,
          token,
          cursor: cursorParam(cursor),
          holdMs: holdParam(wait, config.pollHoldMs),
          limit: POLL_MAX_EVENTS,
          connection: ctx.res,
        });
      },
    },

    ...createHostRoutes(store),
    ...createImageRoutes({ config, store, ...images }),
  };
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
function knownRoomId(room: string | undefined, roomIds: RoomIds): string {
  if (room === undefined || !roomIds.isValid(room)) throw new RoomError('room-not-found');
  return room;
}

/** navigator.sendBeacon cannot set headers, so leave also takes `{"token"}` in a JSON or text/plain body. */
function leaveBodyToken(body: RequestBody | undefined): string | undefined {
  if (body === undefined) return undefined;
  const token = jsonObject(body, true).token;
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(token)) {
    throw new HttpError(400, 'The body must be {"token": "<token from join>"}.');
  }
  return token;
}
