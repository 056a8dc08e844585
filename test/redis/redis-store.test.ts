import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCursor } from '../../server/domain/cursor.js';
import { RedisStore, type RedisStoreOptions } from '../../server/store/redis-store.js';
import { openPollScript } from '../../server/store/redis/scripts.js';
import { RoomError, type RoomSignal } from '../../server/store/room-store.js';
import { ManualClock } from '../support/manual-clock.js';
import { freePort } from '../support/spawn-server.js';
import { deleteKeys, redisCluster, redisUrl } from '../support/stores.js';
import { systemTimers, type Timers } from '../../server/timers.js';
import { until } from '../support/until.js';
import { dumpDatabase } from './instances.js';
import { haveRedisServer, PrivateRedis } from '../process/private-redis.js';

if (redisUrl === undefined) process.stdout.write('Redis tests skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run them.\n');

const SETTINGS = { ttlMs: 10_000, presenceTimeoutMs: 1_000, roomIdleMs: 60_000, maxEventsPerRoom: 100, maxRooms: 1_000 };

describe.skipIf(redisUrl === undefined)('RedisStore', () => {
  const stores: RedisStore[] = [];
  let prefix = '';
  const open = async (clock: ManualClock, options: Partial<RedisStoreOptions> = {}): Promise<RedisStore> => {
    const store = await RedisStore.connect({ ...SETTINGS, now: clock.now, url: redisUrl!, cluster: redisCluster, keyPrefix: prefix, expirySlackMs: 60_000, ...options });
    stores.push(store);
    return store;
  };
  const fresh = (): void => {
    prefix = `test:${randomBytes(6).toString('hex')}:`;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await deleteKeys(redisUrl!, `${prefix}*`);
  });

  it('emits exactly one leave for a timed-out participant when several instances notice at once', async () => {
    fresh();
    const clock = new ManualClock();
    // Three instances on one keyspace, sweeping every 5 ms, plus lazy checks from every call.
    const sweeps = [0, 0, 0];
    const counting = (i: number): Timers => ({
      setTimeout: (callback, ms) => systemTimers.setTimeout(() => {
        if (ms <= 5) sweeps[i] = sweeps[i]! + 1; // the sweep's timer (the channels' linger timer is 2 s)
        callback();
      }, ms),
      clearTimeout: (handle) => systemTimers.clearTimeout(handle),
    });
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => open(clock, { sweepMaxSleepMs: 5, timers: counting(i) })));
    const rooms = ['room1xxxxxxxxx', 'room2xxxxxxxxx', 'room3xxxxxxxxx'];
    const seated: Array<{ room: string; token: string }> = [];
    for (const room of rooms) {
      await a!.createRoom(room, 2);
      seated.push({ room, token: (await a!.join(room, 'Ann')).token });
      await b!.join(room, 'Bob');
    }
    clock.advance(1_000);
    const swept = [...sweeps];
    await Promise.all(rooms.flatMap((room) => [a!.getRoom(room), b!.getRoom(room), c!.getRoom(room), a!.read(room, undefined, 100)]));
    // Several sweeps of each instance have run (a sweep's timer is armed only after the last one finished).
    await until(() => sweeps.every((count, i) => count >= swept[i]! + 3), 'three sweeps of each instance');
    for (const room of rooms) {
      const { events } = await c!.read(room, undefined, 100);
      expect(events.map((e) => `${e.type}:${e.name}`).sort()).toEqual(['join:Ann', 'join:Bob', 'leave:Ann', 'leave:Bob']);
      expect(await c!.getRoom(room)).toEqual({ room, capacity: 2, participants: [], host: undefined, locked: false });
    }
    await expect(a!.authenticate(seated[0]!.room, seated[0]!.token)).rejects.toThrow(new RoomError('bad-token'));
  });

  it('emits exactly one unstable, from the sweeps alone, when several instances see the deadline pass', async () => {
    fresh();
    const clock = new ManualClock();
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => open(clock, { sweepMaxSleepMs: 5, unstableAfterMs: 500 })));
    const room = 'shakyxxxxxxxxx';
    await a!.createRoom(room, 2);
    const ann = await a!.join(room, 'Ann');
    const bob = await b!.join(room, 'Bob');
    const polled = await b!.openPoll(room, bob.token, undefined, 0, 100);
    await b!.closePoll(room, polled.participant, polled.leaseId);
    let woken = 0;
    const off = c!.subscribe(room, (signal: RoomSignal) => {
      if (signal.type === 'events') woken += 1;
    });
    // Ann's poll stays in flight (only Bob is timed); opening it waits until c's SUBSCRIBE is in force.
    await c!.openPoll(room, ann.token, undefined, 5_000, 100);
    clock.advance(500);
    // No call touches the room: a sweep (each instance's racing the others') appends unstable and wakes the room.
    await until(() => woken > 0, 'a sweep wakes the room');
    off();
    const news = async () => (await c!.read(room, undefined, 100)).events.map((e) => `${e.type}:${e.name}`);
    clock.advance(100);
    await Promise.all([a!.getRoom(room), b!.getRoom(room), c!.getRoom(room)]);
    expect(await news()).toEqual(['join:Ann', 'join:Bob', 'unstable:Bob']);
  });

  it('wakes a poll whose subscription races a send from another instance', async () => {
    fresh();
    const clock = new ManualClock();
    const [a, b] = await Promise.all([open(clock), open(clock)]);
    await a.createRoom('racexxxxxxxxxx', 2);
    const ann = await a.join('racexxxxxxxxxx', 'Ann');
    const bob = await b.join('racexxxxxxxxxx', 'Bob');
    let cursor = (await a.read('racexxxxxxxxxx', undefined, 100)).cursor;
    for (let i = 0; i < 30; i += 1) {
      // As PollHub does: subscribe, then open; the send lands anywhere around them.
      const signals: RoomSignal[] = [];
      const unsubscribe = a.subscribe('racexxxxxxxxxx', (signal) => signals.push(signal));
      const sent = b.send('racexxxxxxxxxx', bob.token, `t${i}`);
      const opened = await a.openPoll('racexxxxxxxxxx', ann.token, parseCursor(cursor)!, 1_000, 100);
      await sent;
      if (opened.events.length === 0) {
        await until(() => signals.some((s) => s.type === 'events'), 'the send to wake the open poll', 1_000);
      }
      unsubscribe();
      await a.closePoll('racexxxxxxxxxx', opened.participant, opened.leaseId);
      cursor = (await a.read('racexxxxxxxxxx', undefined, 100)).cursor;
    }
  });

  /** System timers, but for the poll-close grace (ms === GRACE_MS), which fire only when the test says. */
  // Apart from every other timer of the store (the slot check is 1 s, the channel linger 2 s).
  const GRACE_MS = 1_234;
  const graceTimers = () => {
    const held = new Set<() => void>();
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        if (ms !== GRACE_MS) return systemTimers.setTimeout(callback, ms);
        held.add(callback);
        return callback;
      },
      clearTimeout: (handle) => {
        if (!held.delete(handle as () => void)) systemTimers.clearTimeout(handle);
      },
    };
    const fire = () => {
      for (const callback of [...held]) {
        held.delete(callback);
        callback();
      }
    };
    return { timers, held, fire };
  };
  /**
   * A fresh prefix and store `a` on a manual clock whose poll-close grace fires only when told,
   * counting its script calls (`scripts()`): a poll that carries its lease on makes none.
   */
  const graceStore = async (options: Partial<RedisStoreOptions> = {}) => {
    fresh();
    const clock = new ManualClock();
    const grace = graceTimers();
    let calls = 0;
    const a = await open(clock, { timers: grace.timers, pollCloseGraceMs: GRACE_MS, onRoundTrip: () => (calls += 1), ...options });
    return { clock, grace, a, scripts: () => calls };
  };

  it('drops a poll close that the same participant’s next poll, on another instance, made moot', async () => {
    fresh();
    const clock = new ManualClock();
    const grace = graceTimers();
    let scripts = 0;
    const a = await open(clock, { timers: grace.timers, pollCloseGraceMs: GRACE_MS, onRoundTrip: () => (scripts += 1) });
    const b = await open(clock);
    const room = 'mootxxxxxxxxxx';
    await a.createRoom(room, 2);
    const ann = await a.join(room, 'Ann');
    const off = a.subscribe(room, () => {});
    const first = await a.openPoll(room, ann.token, undefined, 5_000, 100);
    off(); // the channel lingers, so a still hears the next poll's signal
    await a.closePoll(room, first.participant, first.leaseId);
    expect(grace.held.size).toBe(1);
    const sent = scripts;
    await b.openPoll(room, ann.token, undefined, 5_000, 100);
    await until(() => grace.held.size === 0, "b's poll signal to cancel a's waiting close");
    expect(scripts).toBe(sent);
  });

  it('sends a waiting poll close with the time the poll ended, so presence counts from then', async () => {
    fresh();
    const clock = new ManualClock();
    const grace = graceTimers();
    let scripts = 0;
    const a = await open(clock, { timers: grace.timers, pollCloseGraceMs: GRACE_MS, presenceTimeoutMs: 1_000, onRoundTrip: () => (scripts += 1) });
    const room = 'latexxxxxxxxxx';
    await a.createRoom(room, 2);
    const ann = await a.join(room, 'Ann');
    await a.join(room, 'Bob');
    const polled = await a.openPoll(room, ann.token, undefined, 60_000, 100);
    await a.closePoll(room, polled.participant, polled.leaseId);
    clock.advance(600);
    const sent = scripts;
    grace.fire();
    await until(() => scripts > sent, 'the close to be sent');
    clock.advance(400);
    // 1 s after the poll ended (not after the close was sent), Ann is gone; Bob never polled, so he went too.
    const names = async () => (await a.getRoom(room))!.participants.map((p) => p.name);
    await until(async () => (await names()).length === 0, 'Ann to time out from the end of her poll');
  });

  it('carries a poll on its lease with no Redis call while it follows the one before here, and goes to Redis when anything may have changed', async () => {
    // Bob never polls: a presence timeout past the test keeps him from leaving by himself.
    const { clock, grace, a, scripts } = await graceStore({ presenceTimeoutMs: 60_000 });
    const b = await open(clock, { presenceTimeoutMs: 60_000 });
    const room = 'carryxxxxxxxxx';
    await a.createRoom(room, 3);
    const ann = await a.join(room, 'Ann');
    const bob = await b.join(room, 'Bob');
    const signals: RoomSignal[] = [];
    const off = a.subscribe(room, (signal) => signals.push(signal));
    // Polls as a client does: the next one opens while the last one's close waits.
    const poll = async (cursor: string) => {
      const before = scripts();
      const opened = await a.openPoll(room, ann.token, parseCursor(cursor)!, 25_000, 100);
      await a.closePoll(room, opened.participant, opened.leaseId);
      return { ...opened, redis: scripts() > before };
    };
    const first = await poll(bob.cursor);
    expect(first.redis).toBe(true);
    const carried = await poll(first.cursor);
    expect(carried).toMatchObject({ redis: false, leaseId: first.leaseId, participant: first.participant, events: [] });
    expect(grace.held.size).toBe(1); // one close waits: the carried poll's, the one before it was dropped

    // Bob types: the signal moves the head, so the old cursor reads (and finds his text) and the new one carries on.
    await b.send(room, bob.token, 'hi');
    await until(() => signals.some((signal) => signal.type === 'events'), 'the send’s signal');
    const behind = await poll(first.cursor);
    expect(behind.redis).toBe(true);
    expect(behind.events.map((event) => event.text)).toEqual(['hi']);
    expect((await poll(behind.cursor)).redis).toBe(false);

    // Past what the lease's open wrote for presence, it opens in Redis again.
    clock.advance(5_001);
    const renewed = await poll(behind.cursor);
    expect(renewed.redis).toBe(true);
    expect(Number(renewed.leaseId)).toBeGreaterThan(Number(first.leaseId));
    expect((await poll(behind.cursor)).redis).toBe(false);

    // A leave is a seat that changed: everyone's next poll asks Redis.
    signals.length = 0;
    await b.leave(room, bob.token);
    await until(() => signals.some((signal) => signal.type === 'events'), 'the leave’s signal');
    const afterLeave = await poll(behind.cursor);
    expect(afterLeave.redis).toBe(true);
    expect(afterLeave.events.map((event) => event.type)).toEqual(['leave']);
    off();
  });

  it('does not carry on a lease that a poll on another instance took over', async () => {
    const { clock, grace, a, scripts } = await graceStore();
    const b = await open(clock);
    const room = 'takenxxxxxxxxx';
    await a.createRoom(room, 2);
    const ann = await a.join(room, 'Ann');
    const cursor = parseCursor(ann.cursor)!;
    const off = a.subscribe(room, () => {});
    const first = await a.openPoll(room, ann.token, cursor, 25_000, 100);
    await a.closePoll(room, first.participant, first.leaseId);
    const elsewhere = await b.openPoll(room, ann.token, cursor, 25_000, 100);
    await until(() => grace.held.size === 0, "b's poll signal to reach a");
    const before = scripts();
    const next = await a.openPoll(room, ann.token, cursor, 25_000, 100);
    expect(scripts()).toBe(before + 1);
    expect(Number(next.leaseId)).toBeGreaterThan(Number(elsewhere.leaseId));
    off();
  });

  it('does not carry on a lease whose open reply came after the signal of a newer lease elsewhere', async () => {
    const { clock, a, scripts } = await graceStore({ presenceTimeoutMs: 60_000 });
    const b = await open(clock, { presenceTimeoutMs: 60_000 });
    const room = 'latereplyxxxxx';
    await a.createRoom(room, 2);
    const ann = await a.join(room, 'Ann');
    const cursor = parseCursor((await a.read(room, undefined, 100)).cursor)!;
    const signals: RoomSignal[] = [];
    const off = a.subscribe(room, (signal) => signals.push(signal));
    // Holds back a's first openPoll reply (its script has run in Redis) until the test lets it go,
    // as a slow command connection would while the subscriber's signal comes first.
    const runner = (a as unknown as { runner: { room: (script: unknown, ...rest: unknown[]) => Promise<unknown> } }).runner;
    const run = runner.room.bind(runner);
    let ran = false;
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    runner.room = async (script, ...rest) => {
      const reply = await run(script, ...rest);
      if (script === openPollScript && !ran) {
        ran = true;
        await released;
      }
      return reply;
    };
    const onA = a.openPoll(room, ann.token, cursor, 25_000, 100);
    await until(() => ran, "a's open to run in Redis");
    const onB = await b.openPoll(room, ann.token, cursor, 25_000, 100);
    await until(() => signals.some((signal) => signal.type === 'poll' && signal.leaseId === onB.leaseId), "b's poll signal to reach a");
    release();
    const older = await onA;
    expect(Number(older.leaseId)).toBeLessThan(Number(onB.leaseId));
    await a.closePoll(room, older.participant, older.leaseId); // replaced, as its HeldPoll would be
    const before = scripts();
    const next = await a.openPoll(room, ann.token, cursor, 25_000, 100);
    expect(scripts()).toBe(before + 1);
    expect(Number(next.leaseId)).toBeGreaterThan(Number(onB.leaseId));
    off();
  });

  // A private redis-server: killing the pub/sub connections of the shared one would reach other suites' stores.
  it.skipIf(redisCluster || !haveRedisServer)('carries nothing on after its subscriber connection dropped: what was published meanwhile reached no one', async () => {
    const redis = new PrivateRedis(false);
    await redis.start();
    try {
      const { a, scripts } = await graceStore({ presenceTimeoutMs: 60_000, url: `redis://127.0.0.1:${redis.port}` });
      const room = 'dropxxxxxxxxxx';
      await a.createRoom(room, 2);
      const ann = await a.join(room, 'Ann');
      const signals: RoomSignal[] = [];
      const off = a.subscribe(room, (signal) => signals.push(signal));
      let cursor = ann.cursor;
      const poll = async () => {
        const before = scripts();
        const opened = await a.openPoll(room, ann.token, parseCursor(cursor)!, 25_000, 100);
        await a.closePoll(room, opened.participant, opened.leaseId);
        cursor = opened.cursor;
        return scripts() > before;
      };
      expect(await poll()).toBe(true);
      expect(await poll()).toBe(false);
      const admin = new Redis(redis.port, '127.0.0.1');
      await admin.client('KILL', 'TYPE', 'pubsub');
      admin.disconnect();
      // Back: every held poll is told to read (a bare signal), and the next poll asks Redis.
      await until(() => signals.some((signal) => signal.type === 'events' && signal.events === undefined), 'the resubscription to wake the room');
      expect(await poll()).toBe(true);
      expect(await poll()).toBe(false);
      off();
    } finally {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await redis.stop();
    }
  });

  it('seats a join resent after its connection closed (same id, same token) once, answering it as the first', async () => {
    fresh();
    // Every draw the same: the second join is indistinguishable from the first one sent again.
    const store = await open(new ManualClock(), { randomId: (bytes) => 'x'.repeat(bytes) });
    await store.createRoom('resentxxxxxxxx', 2);
    const first = await store.join('resentxxxxxxxx', 'Ann');
    const again = await store.join('resentxxxxxxxx', 'Ann');
    expect(again).toEqual(first);
    expect((await store.getRoom('resentxxxxxxxx'))!.participants).toEqual([{ id: first.participant, name: 'Ann' }]);
  });

  it('keeps a hash of each token in Redis, never the token', async () => {
    fresh();
    const store = await open(new ManualClock());
    await store.createRoom('tokenxxxxxxxxx', 2);
    const { token } = await store.join('tokenxxxxxxxxx', 'Ann');
    const dump = (await dumpDatabase(redisUrl!)).filter((line) => line.startsWith(prefix));
    expect(dump.length).toBeGreaterThan(0);
    expect(dump.filter((line) => line.includes(token))).toEqual([]);
    expect((await store.authenticate('tokenxxxxxxxxx', token)).name).toBe('Ann');
  });

  it('rejects every call at once with RoomError(unavailable) when Redis does not answer', async () => {
    fresh();
    const started = Date.now();
    const store = await RedisStore.connect({ ...SETTINGS, now: Date.now, url: `redis://127.0.0.1:${await freePort()}` }, 200);
    stores.push(store);
    const unavailable = new RoomError('unavailable');
    const cursor = { epoch: 'x', seq: 1 };
    await expect(store.createRoom('downxxxxxxxxxx', 2)).rejects.toThrow(unavailable);
    await expect(store.getRoom('downxxxxxxxxxx')).rejects.toThrow(unavailable);
    await expect(store.join('downxxxxxxxxxx', 'Ann')).rejects.toThrow(unavailable);
    await expect(store.authenticate('downxxxxxxxxxx', 't')).rejects.toThrow(unavailable);
    await expect(store.send('downxxxxxxxxxx', 't', 'hi', 1)).rejects.toThrow(unavailable);
    await expect(store.setPresence('downxxxxxxxxxx', 't', 'away')).rejects.toThrow(unavailable);
    await expect(store.leave('downxxxxxxxxxx', 't')).rejects.toThrow(unavailable);
    const unsubscribe = store.subscribe('downxxxxxxxxxx', () => {});
    await expect(store.openPoll('downxxxxxxxxxx', 't', cursor, 1_000, 10)).rejects.toThrow(unavailable);
    unsubscribe();
    await expect(store.read('downxxxxxxxxxx', cursor, 10)).rejects.toThrow(unavailable);
    await expect(store.closePoll('downxxxxxxxxxx', 'p', '1')).resolves.toBeUndefined();
    expect(await store.healthy()).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000); // 200 ms start-up wait, then no call waits
  });
});
