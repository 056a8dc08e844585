import type { Config } from '../config.js';
import { MemoryStore } from './memory-store.js';
import type { RoomStore } from './room-store.js';

/** The store the configuration asks for: in memory unless REDIS_URL is set. */
export async function createStore(config: Config, now: () => number = Date.now): Promise<RoomStore> {
  const options = {
    now,
    ttlMs: config.messageTtlMs,
    presenceTimeoutMs: config.presenceTimeoutMs,
    roomIdleMs: config.roomIdleMs,
    maxEventsPerRoom: config.roomMaxEvents,
    maxRooms: config.maxRooms,
  };
  if (config.redisUrl === undefined) return new MemoryStore(options);
  throw new Error('REDIS_URL is set but the Redis store is not built yet');
}
