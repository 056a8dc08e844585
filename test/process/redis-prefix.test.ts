import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/stores.js';
import { dumpDatabase, eventually, startInstance, stopInstance, type Instance } from '../redis/instances.js';

describe.skipIf(redisUrl === undefined)('REDIS_PREFIX', () => {
  let instances: Instance[] = [];
  afterEach(async () => {
    await Promise.all(instances.map(stopInstance));
    instances = [];
  });

  it('keeps each deployment to its own keys: another prefix on the same database neither sees nor sweeps its rooms', async () => {
    const mine = `prefix-test-${randomBytes(4).toString('hex')}:`;
    const theirs = `prefix-test-${randomBytes(4).toString('hex')}:`;
    // The other deployment sweeps eagerly: its rooms idle out after 200 ms.
    const [a, b] = await Promise.all([
      startInstance(redisUrl!, { REDIS_PREFIX: mine }),
      startInstance(redisUrl!, { REDIS_PREFIX: theirs, ROOM_IDLE_MS: '200', PRESENCE_TIMEOUT_MS: '200' }),
    ]);
    instances = [a, b];
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    await a.api.send(room, ann.token, 'still here');

    expect((await b.api.call('GET', `/rooms/${room}`)).status).toBe(404);
    const keys = (await dumpDatabase(redisUrl!)).map((line) => line.split(' => ')[0]!).filter((key) => key.includes(room));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(mine)).toBe(true);
    // b's sweeps (every 250 ms) have run several times over a's room by the time this passes.
    await eventually(async () => {
      const other = await b.api.createRoom();
      expect((await b.api.call('GET', `/rooms/${other}`)).status).toBe(200);
      await eventually(async () => expect((await b.api.call('GET', `/rooms/${other}`)).status).toBe(404), 3_000);
    });
    const { events } = await a.api.poll(room, ann.token, ann.cursor, 0);
    expect(events.map((e) => e.text)).toContain('still here');
  }, 60_000);
});
