import { MemoryStore } from '../../server/store/memory-store.js';
import type { RoomStore } from '../../server/store/room-store.js';
import type { Config } from '../../server/config.js';

export interface StoreFactory {
  name: string;
  /** A fresh, empty store reading time from `now`. */
  create(config: Config, now: () => number): Promise<RoomStore>;
}

export function storeOptions(config: Config, now: () => number) {
  return {
    now,
    ttlMs: config.messageTtlMs,
    presenceTimeoutMs: config.presenceTimeoutMs,
    roomIdleMs: config.roomIdleMs,
    maxEventsPerRoom: config.roomMaxEvents,
    maxRooms: config.maxRooms,
  };
}

const memory: StoreFactory = {
  name: 'memory',
  create: async (config, now) => new MemoryStore(storeOptions(config, now)),
};

/** Every store the protocol suite runs against (the Redis one joins when REDIS_URL is set). */
export const storeFactories: StoreFactory[] = [memory];
