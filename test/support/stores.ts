import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
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

/**
 * Set by the redis-cluster project (vitest.config.ts), which points REDIS_URL at one node of
 * the Redis Cluster .ci/redis-cluster starts: stores and clients then speak cluster.
 */
export const redisCluster = process.env.REDIS_CLUSTER === 'true';

/**
 * A client of the test Redis, not yet connected: a Cluster client in cluster mode, which sends
 * each key's command to its slot's master. `sharded` gives it one subscriber per master, for
 * SSUBSCRIBE (what the store listens with on a cluster).
 */
export function redisClient(url: string, { sharded = false } = {}): Redis | Cluster {
  return redisCluster ? new Cluster([url], { lazyConnect: true, shardedSubscribers: sharded }) : new Redis(url, { lazyConnect: true });
}

/** The servers that hold the keys (SCAN them one by one): every master of a cluster, or the one server. */
export function keyHolders(client: Redis | Cluster): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

// The suite's clock is manual while Redis keeps real time: a slack far above any test's
// real duration keeps the backstop PEXPIREs from removing what the clock says is live.
const TEST_EXPIRY_SLACK_MS = 60_000;
// No timer follows the suite's manual clock: a poll's close is sent at once, as the memory store applies it.
const MANUAL_CLOCK_TIMING = { pollCloseGraceMs: 0 };

/** Each store gets its own key prefix, and its keys are deleted when it closes. */
function redisFactory(url: string): StoreFactory {
  return {
    name: 'redis',
    async create(config, now) {
      const keyPrefix = `test:${randomBytes(6).toString('hex')}:`;
      const store = await RedisStore.connect({ ...storeOptions(config, now), url, cluster: redisCluster, keyPrefix, expirySlackMs: TEST_EXPIRY_SLACK_MS, ...MANUAL_CLOCK_TIMING });
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
  const client = redisClient(url);
  try {
    await client.connect();
    for (const node of keyHolders(client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        // One DEL per key, pipelined: a cluster refuses a DEL naming keys of two slots (CROSSSLOT).
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.del(key);
        if (keys.length > 0) await pipeline.exec();
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}

/**
 * Every store the protocol suite runs against: the Redis one joins when REDIS_URL is set, and is
 * the only one on a cluster (the main project has already run the suite on memory).
 */
export const storeFactories: StoreFactory[] = redisUrl === undefined ? [memory] : redisCluster ? [redisFactory(redisUrl)] : [memory, redisFactory(redisUrl)];
