import type { Config } from '../config.js';
import { silentLogger, type Logger } from '../logger.js';
import type { RegistryOptions } from '../domain/room-registry.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { RoomStore } from './room-store.js';

/** The settings every store takes from the configuration. */
export function storeOptions(config: Config, now: () => number): RegistryOptions {
  return {
    now,
    ttlMs: config.messageTtlMs,
    presenceTimeoutMs: config.presenceTimeoutMs,
    roomIdleMs: config.roomIdleMs,
    maxEventsPerRoom: config.roomMaxEvents,
    maxRooms: config.maxRooms,
    sendRate: {
      charsPerSecond: config.sendCharsPerSecond,
      charsBurst: config.sendCharsBurst,
      sendsPerSecond: config.sendsPerSecond,
      sendsBurst: config.sendsBurst,
    },
    pollMaxBytes: config.pollMaxBytes,
    joinKeyWindowMs: config.joinKeyWindowMs,
  };
}

/** The store the configuration asks for: in memory unless REDIS_URL is set. */
export async function createStore(config: Config, now: () => number = Date.now, logger: Logger = silentLogger): Promise<RoomStore> {
  const options = storeOptions(config, now);
  if (config.redisUrl === undefined) return new MemoryStore(options);
  return RedisStore.connect({ ...options, url: config.redisUrl, logger });
}
