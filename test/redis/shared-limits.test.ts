import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { storeOptions } from '../../server/store/create-store.js';
import { RedisStore } from '../../server/store/redis-store.js';
import { ManualClock } from '../support/manual-clock.js';
import { deleteKeys, redisCluster, redisUrl } from '../support/stores.js';

describe.skipIf(redisUrl === undefined)('the room-creation limit with REDIS_URL', () => {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const stores: RedisStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await deleteKeys(redisUrl!, `${prefix}*`);
  });

  it('is shared by every instance: three instances allow ROOMS_PER_MINUTE in all, not three times it', async () => {
    const config = loadConfig({ ROOMS_PER_MINUTE: '4', ROOM_SALT: 'test-salt-0123', PROXY_HOPS: '1' });
    const clock = new ManualClock();
    const apps = [];
    for (let i = 0; i < 3; i += 1) {
      const store = await RedisStore.connect({ ...storeOptions(config, clock.now), url: redisUrl!, cluster: redisCluster, keyPrefix: prefix, expirySlackMs: 60_000 });
      stores.push(store);
      apps.push(request(createApp({ config, store, now: clock.now }).callback()));
    }
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await apps[i % 3]!.post('/rooms').set('X-Forwarded-For', '203.0.113.9')).status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(4);
    expect(statuses.slice(4).every((status) => status === 429)).toBe(true);
    clock.advance(60_000);
    await apps[2]!.post('/rooms').set('X-Forwarded-For', '203.0.113.9').expect(201);
  });
});
