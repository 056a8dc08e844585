import type { Config } from '../config.js';
import { silentLogger, type Logger } from '../logger.js';
import { noopMetrics, type Metrics } from '../metrics/metrics.js';
import { ByteBudget } from '../domain/byte-budget.js';
import type { RegistryOptions } from '../domain/registry-options.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { RoomStore } from './room-store.js';

/**
 * The settings every store takes from the configuration. `imageBudget` is the process's
 * PROCESS_IMAGE_BYTES, shared with the app's uploads; only the memory store holds images against it.
 */
export function storeOptions(config: Config, now: () => number, imageBudget = new ByteBudget(config.processImageBytes)): RegistryOptions {
  return {
    now,
    ttlMs: config.messageTtlMs,
    presenceTimeoutMs: config.presenceTimeoutMs,
    unstableAfterMs: config.unstableAfterMs,
    roomIdleMs: config.roomIdleMs,
    maxEventsPerRoom: config.roomMaxEvents,
    maxRooms: config.maxRooms,
    maxRoomImageBytes: config.roomImageBytes,
    imageBudget,
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
export async function createStore(config: Config, now: () => number = Date.now, logger: Logger = silentLogger, metrics: Metrics = noopMetrics, imageBudget?: ByteBudget): Promise<RoomStore> {
  const options = storeOptions(config, now, imageBudget);
  if (config.redisUrl === undefined) return new MemoryStore(options);
  const onRoundTrip = metrics.enabled ? (durationMs: number) => metrics.redisRoundTrip(durationMs) : undefined;
  const { imageBudget: _inFlightOnly, ...redisOptions } = options;
  return RedisStore.connect({ ...redisOptions, url: config.redisUrl, keyPrefix: config.redisPrefix, cluster: config.redisCluster, logger, onRoundTrip });
}
