import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/stores.js';
import { dumpDatabase, eventually, startInstance, stopInstance, type Instance } from './instances.js';

// Short real-time settings: the whole life of a room fits in a few seconds.
const TTL_MS = 1_500;
const ENV = { MESSAGE_TTL_MS: String(TTL_MS), PRESENCE_TIMEOUT_MS: '1000', ROOM_IDLE_MS: '1000', POLL_HOLD_MS: '300' };

function holding(dump: string[], needle: string): string[] {
  return dump.filter((line) => line.includes(needle));
}

describe.skipIf(redisUrl === undefined)('what Redis holds after expiry', () => {
  let instances: Instance[] = [];
  afterEach(async () => {
    await Promise.all(instances.map(stopInstance));
    instances = [];
  });

  it('holds no message text MESSAGE_TTL_MS + 1 s after it was sent, and no trace of the room once it expired', async () => {
    instances = await Promise.all([startInstance(redisUrl!, ENV), startInstance(redisUrl!, ENV)]);
    const [a, b] = instances as [Instance, Instance];
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const sentAt = Date.now();
    await a.api.send(room, ann.token, secret);
    const { events } = await b.api.poll(room, ann.token, ann.cursor, 0);
    expect(events.map((e) => e.text)).toContain(secret);
    expect(holding(await dumpDatabase(redisUrl!), secret)).not.toEqual([]); // the dump does see it while live

    // Gone within 1 s of its expiresAt: waited for until that deadline, and a failure past it.
    await eventually(async () => expect(holding(await dumpDatabase(redisUrl!), secret)).toEqual([]), sentAt + TTL_MS + 1_000 - Date.now());

    // Ann stopped polling: her presence times out (1 s), then the empty room idles out (1 s).
    await eventually(async () => expect((await b.api.call('GET', `/rooms/${room}`)).status).toBe(404), 5_000);
    expect(holding(await dumpDatabase(redisUrl!), room)).toEqual([]);
  });

  it('drops every key of the room by Redis expiry alone when every instance is dead', async () => {
    instances = [await startInstance(redisUrl!, ENV)];
    const [a] = instances as [Instance];
    const secret = `secret-${randomBytes(8).toString('hex')}`;
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    await a.api.send(room, ann.token, secret);
    await a.api.poll(room, ann.token, ann.cursor, 0);
    await stopInstance(a); // SIGKILL: nothing sweeps any more

    // Text: TTL + the 1 s slack. The room: presence (1 s) + idle (1 s) + slack (1 s) after the last poll.
    await eventually(async () => expect(holding(await dumpDatabase(redisUrl!), secret)).toEqual([]), TTL_MS + 2_000);
    await eventually(async () => expect((await dumpDatabase(redisUrl!)).filter((line) => line.split(' => ')[0]!.includes(room))).toEqual([]), 5_000);
    // What is left is the room's entry in the shared deadline indexes (they live as long as
    // their latest entry); the first sweep of any instance that comes back drops it.
    instances = [await startInstance(redisUrl!, ENV)];
    await eventually(async () => expect(holding(await dumpDatabase(redisUrl!), room)).toEqual([]), 2_000);
  });
});
