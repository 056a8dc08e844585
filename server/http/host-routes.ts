import type { Context } from 'koa';
import type { RoomResponse, RoomTiming } from '../protocol.js';
import type { RoomSnapshot, RoomStore } from '../store/room-store.js';
import type { ApiRoutes } from './api-dispatch.js';
import { HttpError } from './http-error.js';
import { jsonObject, type RequestBody } from './request-body.js';
import { bearerToken, participantPost } from './request-params.js';

// A join key is chosen by the client and hands back a seat's token, so it must be as hard
// to guess as a token: 22 base64url characters are 128 bits.
const JOIN_KEY = /^[A-Za-z0-9_-]{22,128}$/;
const PARTICIPANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Rooms belong to the people invited (docs/protocol.md, "Host, kick and lock"): the
 * longest-seated participant is the host, who can remove a participant (which also locks
 * the room, so the link cannot bring them back) and lock or unlock the room.
 */
export function createHostRoutes(store: RoomStore): Pick<ApiRoutes, '/rooms/:room/kick' | '/rooms/:room/lock'> {
  return {
    '/rooms/:room/kick': {
      async POST(ctx, roomParam) {
        const { body, room, token } = await participantPost(ctx, roomParam);
        const participant = jsonObject(body).participant;
        if (typeof participant !== 'string' || !PARTICIPANT_ID.test(participant)) {
          throw new HttpError(400, 'The body must be {"participant": "<participant id>"}.');
        }
        await store.kick(room, token, participant);
        ctx.status = 204;
      },
    },

    '/rooms/:room/lock': {
      async POST(ctx, roomParam) {
        const { body, room, token } = await participantPost(ctx, roomParam);
        const locked = jsonObject(body).locked;
        if (typeof locked !== 'boolean') throw new HttpError(400, 'The body must be {"locked": true} or {"locked": false}.');
        await store.setLocked(room, token, locked);
        ctx.status = 204;
      },
    },
  };
}

/** The join key from `{"key"}` or an `Idempotency-Key` header (the body wins); undefined when neither. */
export function joinKeyFrom(ctx: Context, body: RequestBody | undefined): string | undefined {
  const fromBody = jsonObject(body).key;
  const key = fromBody === undefined ? ctx.get('Idempotency-Key') || undefined : fromBody;
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !JOIN_KEY.test(key)) {
    throw new HttpError(400, '"key" (or Idempotency-Key) must be 22 to 128 letters, digits, "-" or "_" drawn at random.');
  }
  return key;
}

/**
 * GET /rooms/:room: a stranger with the link learns only whether there is a seat; who is
 * there (and who hosts) only a participant's own token shows.
 */
export async function roomResponse(ctx: Context, store: RoomStore, snapshot: RoomSnapshot, timing: RoomTiming): Promise<RoomResponse> {
  const seatsTaken = snapshot.participants.length;
  const open = { room: snapshot.room, capacity: snapshot.capacity, seatsTaken, full: seatsTaken >= snapshot.capacity, locked: snapshot.locked, ...timing };
  if (ctx.get('Authorization') === '') return open;
  await store.authenticate(snapshot.room, bearerToken(ctx.get('Authorization')));
  return { ...open, participants: snapshot.participants, ...(snapshot.host === undefined ? {} : { host: snapshot.host }) };
}
