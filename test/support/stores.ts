import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { storeOptions } from '../../server/store/create-store.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { RedisStore } from '../../server/store/redis-store.js';
import type { RoomStore } from '../../server/store/room-store.js';
import type { Config } from '../../server/config.js';

export interface StoreFactory {
  name: string;
  /** A fresh, empty store reading time from `now`. */
  create(config: Config, now: () => number): Promise<RoomStore>;
}

const memory: StoreFactory = {
  name: 'memory',
  create: async (config, now) => new MemoryStore(storeOptions(config, now)),
};

/** Set by .ci/run (redis://127.0.0.1:6379/15); without it the Redis tests are skipped. */
export const redisUrl: string | undefined = process.env.REDIS_URL?.trim() || undefined;

// The suite's clock is manual while Redis keeps real time: a slack far above any test's
// real duration keeps the backstop PEXPIREs from removing what the clock says is live.
const TEST_EXPIRY_SLACK_MS = 60_000;

/** Each store gets its own key prefix, and its keys are deleted when it closes. */
function redisFactory(url: string): StoreFactory {
  return {
    name: 'redis',
    async create(config, now) {
      const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
      const store = await RedisStore.connect({ ...storeOptions(config, now), url, keyPrefix, expirySlackMs: TEST_EXPIRY_SLACK_MS });
      const close = store.close.bind(store);
      store.close = async () => {
        await close();
        await deleteKeys(url, `${keyPrefix}*`);
      };
      return store;
    },
  };
}

export async function deleteKeys(url: string, pattern: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/** Every store the protocol suite runs against (the Redis one joins when REDIS_URL is set). */
export const storeFactories: StoreFactory[] = redisUrl === undefined ? [memory] : [memory, redisFactory(redisUrl)];
