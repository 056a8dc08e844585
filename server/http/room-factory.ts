import type { RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';
import { HttpError } from './http-error.js';

// With 64-bit ids a collision is a one-in-billions event; a few draws make it impossible in practice.
const MAX_ID_DRAWS = 5;
const MINUTE_MS = 60_000;

/**
 * Creates rooms under fresh random ids for POST /rooms and GET /, at most
 * ROOMS_PER_MINUTE per client address, so one client cannot fill the store. The count
 * lives in the store, so with REDIS_URL every process and dyno shares it.
 */
export class RoomFactory {
  constructor(
    private readonly store: RoomStore,
    private readonly roomIds: RoomIds,
    private readonly roomsPerMinute: number,
    private readonly now: () => number,
  ) {}

  /** `client` is the requester's address (ctx.ip: the right-most untrusted X-Forwarded-For entry behind PROXY_HOPS proxies). */
  async create(client: string, capacity: number): Promise<string> {
    const waitMs = await this.store.takeRateLimit(`rooms:${client}`, this.roomsPerMinute, MINUTE_MS, this.now());
    if (waitMs > 0) {
      throw new HttpError(429, 'Too many new rooms from your address; wait a minute and try again.', {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }
    for (let draw = 0; draw < MAX_ID_DRAWS; draw += 1) {
      const room = this.roomIds.generate();
      if (await this.store.createRoom(room, capacity)) return room;
    }
    throw new Error('room id space exhausted');
  }
}
