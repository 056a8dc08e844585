import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { OWN_ECHO_DELAY_MS, PollHub, type ClientConnection, type PollEnd, type PollRequest } from '../../server/http/poll-hub.js';
import { parseCursor } from '../../server/domain/cursor.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import type { RoomSignal } from '../../server/store/room-store.js';
import type { ChatEvent } from '../../server/protocol.js';
import type { Timers } from '../../server/timers.js';
import { ManualClock } from '../support/manual-clock.js';

/** Timers that fire only when told, and count what is still pending. */
class FakeTimers implements Timers {
  private readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get size(): number {
    return this.pending.size;
  }
  fireAll(): void {
    for (const [id, { callback }] of [...this.pending]) {
      this.pending.delete(id);
      callback();
    }
  }
  /** Fires the pending timer with the shortest delay, as real time would first. */
  fireShortest(): number {
    const [id, timer] = [...this.pending].sort((a, b) => a[1].ms - b[1].ms)[0]!;
    this.pending.delete(id);
    timer.callback();
    return timer.ms;
  }
}

/** The memory store, counting live subscriptions and ended leases. */
class CountingStore extends MemoryStore {
  listeners = 0;
  closedLeases: string[] = [];
  override subscribe(room: string, listener: (signal: RoomSignal) => void): () => void {
    this.listeners += 1;
    const off = super.subscribe(room, listener);
    return () => {
      this.listeners -= 1;
      off();
    };
  }
  override async closePoll(room: string, participant: string, leaseId: string): Promise<void> {
    this.closedLeases.push(leaseId);
    return super.closePoll(room, participant, leaseId);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A client connection that the test can drop, counting its close listeners. */
class FakeConnection extends EventEmitter implements ClientConnection {
  writableFinished = false;
  destroyed = false;
  drop(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

describe('PollHub#poll', () => {
  let clock: ManualClock;
  let storeTimers: FakeTimers;
  let timers: FakeTimers;
  let store: CountingStore;
  let ends: PollEnd[];
  let hub: PollHub;
  let room: string;
  let token: string;
  let otherToken: string;
  let cursor: string;
  const request = (overrides: Partial<PollRequest> = {}): PollRequest => ({
    room,
    token,
    cursor: parseCursor(cursor),
    holdMs: 25_000,
    limit: 500,
    connection: new FakeConnection(),
    ...overrides,
  });
  const expectReleased = () => {
    expect(timers.size).toBe(0);
    expect(store.listeners).toBe(0);
    expect(hub.size).toBe(0);
  };

  beforeEach(async () => {
    clock = new ManualClock();
    storeTimers = new FakeTimers();
    timers = new FakeTimers();
    store = new CountingStore({ now: clock.now, timers: storeTimers, ttlMs: 10_000, presenceTimeoutMs: 15_000, roomIdleMs: 60_000, maxEventsPerRoom: 100, maxRooms: 10 });
    ends = [];
    hub = new PollHub(store, { timers, onEnd: (end) => ends.push(end) });
    room = 'room';
    await store.createRoom(room, 2);
    const joined = await store.join(room, 'Ann');
    token = joined.token;
    otherToken = (await store.join(room, 'Bob')).token;
    cursor = (await store.read(room, undefined, 500)).cursor;
  });
  afterEach(() => store.close());

  it('answers at once, holding nothing, when events are already there', async () => {
    const result = await hub.poll(request({ cursor: undefined }));
    expect(result.events.map((e) => e.type)).toEqual(['join', 'join']);
    expect(ends).toEqual(['events']);
    expectReleased();
    expect(store.closedLeases).toHaveLength(1);
  });

  it('settles on events and releases its timer, subscription and lease', async () => {
    const held = hub.poll(request());
    await tick();
    expect(hub.size).toBe(1);
    expect(timers.size).toBe(1);
    await store.send(room, otherToken, 'hi');
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['hi']);
    expect(ends).toEqual(['events']);
    expectReleased();
    expect(store.closedLeases).toHaveLength(1);
  });

  it('settles on timeout with no events and its own cursor', async () => {
    const held = hub.poll(request());
    await tick();
    timers.fireAll();
    expect(await held).toEqual({ events: [], cursor });
    expect(ends).toEqual(['timeout']);
    expectReleased();
  });

  it('settles when the client goes away, and ends the lease so the presence timeout counts from now', async () => {
    const connection = new FakeConnection();
    const held = hub.poll(request({ connection }));
    await tick();
    expect(connection.listenerCount('close')).toBe(1);
    connection.drop();
    expect(await held).toEqual({ events: [], cursor });
    expect(ends).toEqual(['aborted']);
    expectReleased();
    expect(connection.listenerCount('close')).toBe(0);
    clock.advance(15_000);
    await expect(store.authenticate(room, token)).rejects.toThrow('bad-token');
  });

  it('settles when a newer poll of the same participant replaces it', async () => {
    const older = hub.poll(request());
    await tick();
    const newer = hub.poll(request());
    expect(await older).toEqual({ events: [], cursor });
    expect(ends).toEqual(['replaced']);
    expect(hub.size).toBe(1);
    timers.fireAll();
    await newer;
    expect(ends).toEqual(['replaced', 'timeout']);
    expectReleased();
  });

  it('keeps the participant present while the newer poll is held, though the older one ended', async () => {
    const older = hub.poll(request());
    await tick();
    const newer = hub.poll(request());
    await older;
    clock.advance(20_000); // past the presence timeout counted from the older poll's end
    await expect(store.authenticate(room, token)).resolves.toMatchObject({ name: 'Ann' });
    timers.fireAll();
    await newer;
  });

  it('settles every held poll on shutdown, and answers later polls without holding', async () => {
    const polls = [hub.poll(request()), hub.poll(request({ token: otherToken }))];
    await tick();
    expect(hub.size).toBe(2);
    hub.shutdown();
    expect((await Promise.all(polls)).map((r) => r.events)).toEqual([[], []]);
    expect(ends).toEqual(['shutdown', 'shutdown']);
    await hub.poll(request());
    expect(ends).toEqual(['shutdown', 'shutdown', 'shutdown']);
    expectReleased();
  });

  it('does not lose an event appended while the poll was opening', async () => {
    const held = hub.poll(request());
    await store.send(room, otherToken, 'raced'); // before openPoll's result has been seen
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['raced']);
    expectReleased();
  });

  it('releases its subscription when the token is refused', async () => {
    await expect(hub.poll(request({ token: 'wrong' }))).rejects.toThrow('bad-token');
    expectReleased();
  });

  it('settles at once, holding nothing, when the client left before the poll opened', async () => {
    const connection = new FakeConnection();
    connection.destroyed = true;
    expect(await hub.poll(request({ connection }))).toEqual({ events: [], cursor });
    expect(ends).toEqual(['aborted']);
    expect(connection.listenerCount('close')).toBe(0);
    expectReleased();
  });

  it('does not end the hold for the participant’s own events, but delivers them within OWN_ECHO_DELAY_MS', async () => {
    const held = hub.poll(request());
    await tick();
    await store.send(room, token, 'mine');
    await tick();
    expect(hub.size).toBe(1);
    expect(timers.size).toBe(2); // the hold and the echo
    expect(timers.fireShortest()).toBe(OWN_ECHO_DELAY_MS);
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['mine']);
    expect(ends).toEqual(['events']);
    expectReleased();
  });

  it('answers at once with the participant’s own leave: a kick or a timeout is news to it', async () => {
    const bob = (await store.read(room, undefined, 500)).events[1]!.from;
    const held = hub.poll(request({ token: otherToken }));
    await tick();
    await store.kick(room, token, bob);
    await tick();
    expect(hub.size).toBe(0);
    const result = await held;
    expect(result.events.map((e) => [e.type, e.from])).toEqual([['leave', bob]]);
    expect(ends).toEqual(['events']);
    expectReleased();
  });

  it('answers at once, own events included in order, when someone else’s event arrives', async () => {
    const held = hub.poll(request());
    await tick();
    await store.send(room, token, 'mine');
    await tick();
    await store.send(room, otherToken, 'theirs');
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['mine', 'theirs']);
    expectReleased(); // the pending echo timer too
  });

  it('waits at most half the TTL for an echo, so it is delivered while live', async () => {
    expect(OWN_ECHO_DELAY_MS).toBeLessThanOrEqual(10_000 / 2);
    const delays: number[] = [];
    const spy = { ...timers, setTimeout: (callback: () => void, ms: number) => (delays.push(ms), timers.setTimeout(callback, ms)), clearTimeout: (h: unknown) => timers.clearTimeout(h) };
    const shortStore = new CountingStore({ now: clock.now, timers: storeTimers, ttlMs: 600, presenceTimeoutMs: 15_000, roomIdleMs: 60_000, maxEventsPerRoom: 100, maxRooms: 10 });
    await shortStore.createRoom(room, 2);
    const ann = await shortStore.join(room, 'Ann');
    const shortHub = new PollHub(shortStore, { timers: spy });
    const start = (await shortStore.read(room, undefined, 500)).cursor;
    const held = shortHub.poll({ ...request(), token: ann.token, cursor: parseCursor(start) });
    await tick();
    await shortStore.send(room, ann.token, 'quick');
    await tick();
    expect(delays).toEqual([25_000, 300]);
    timers.fireShortest();
    expect((await held).events).toHaveLength(1);
    await shortStore.close();
  });

  it('settles exactly once when several causes race', async () => {
    const connection = new FakeConnection();
    const held = hub.poll(request({ connection }));
    await tick();
    connection.drop();
    timers.fireAll();
    hub.shutdown();
    await held;
    expect(ends).toEqual(['aborted']);
    expectReleased();
  });
});

/** The memory store, whose wake-ups the test sends itself (as a Redis store's, events along), counting reads. */
class SignallingStore extends MemoryStore {
  reads = 0;
  listener: (signal: RoomSignal) => void = () => {};
  override subscribe(_room: string, listener: (signal: RoomSignal) => void): () => void {
    this.listener = listener;
    return () => {
      this.listener = () => {};
    };
  }
  override async read(...args: Parameters<MemoryStore['read']>): ReturnType<MemoryStore['read']> {
    this.reads += 1;
    return super.read(...args);
  }
}

describe('PollHub#poll with events sent along the wake-up', () => {
  let timers: FakeTimers;
  let store: SignallingStore;
  let hub: PollHub;
  let ann: { token: string; participant: string };
  let bobToken: string;
  let at: { epoch: string; seq: number };
  let clock: ManualClock;
  const room = 'room';
  const poll = () => hub.poll({ room, token: ann.token, cursor: at, holdMs: 25_000, limit: 500, connection: new FakeConnection() });
  /** The store's own event `ahead` after the cursor, as its wake-up would carry it. */
  const eventAt = async (ahead: number): Promise<ChatEvent> => {
    const all = (await store.read(room, undefined, 500)).events;
    store.reads -= 1;
    return all.find((event) => event.id === `${at.epoch}.${at.seq + ahead}`)!;
  };

  beforeEach(async () => {
    clock = new ManualClock();
    timers = new FakeTimers();
    store = new SignallingStore({ now: clock.now, timers: new FakeTimers(), ttlMs: 10_000, presenceTimeoutMs: 15_000, roomIdleMs: 60_000, maxEventsPerRoom: 100, maxRooms: 10 });
    hub = new PollHub(store, { timers, maxAnswerBytes: 1_000 });
    await store.createRoom(room, 2);
    const joined = await store.join(room, 'Ann');
    ann = { token: joined.token, participant: joined.participant };
    bobToken = (await store.join(room, 'Bob')).token;
    at = parseCursor((await store.read(room, undefined, 500)).cursor)!;
    store.reads = 0;
  });
  afterEach(() => store.close());

  it('answers from events that follow its cursor without reading', async () => {
    const held = poll();
    await tick();
    await store.send(room, bobToken, 'a');
    const first = await eventAt(1);
    store.listener({ type: 'events', events: [first], bytes: 100 });
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['a']);
    expect(result.cursor).toBe(first.id);
    expect(store.reads).toBe(0);
  });

  it('reads when the events sent along skip past its cursor (a wake-up was lost), answering everything in order', async () => {
    const held = poll();
    await tick();
    await store.send(room, bobToken, 'a');
    await store.send(room, bobToken, 'b');
    store.listener({ type: 'events', events: [await eventAt(2)], bytes: 100 });
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['a', 'b']);
    expect(store.reads).toBe(1);
  });

  it('reads on a wake-up without events', async () => {
    const held = poll();
    await tick();
    await store.send(room, bobToken, 'a');
    store.listener({ type: 'events' });
    expect((await held).events.map((e) => e.text)).toEqual(['a']);
    expect(store.reads).toBe(1);
  });

  it('delivers its own events, heard along the wake-ups (a repeat dropped), after the echo delay without reading', async () => {
    const held = poll();
    await tick();
    await store.send(room, ann.token, 'm');
    await store.send(room, ann.token, 'e');
    store.listener({ type: 'events', events: [await eventAt(1)], bytes: 100 });
    store.listener({ type: 'events', events: [await eventAt(1), await eventAt(2)], bytes: 200 });
    await tick();
    expect(timers.fireShortest()).toBe(OWN_ECHO_DELAY_MS);
    const result = await held;
    expect(result.events.map((e) => e.text)).toEqual(['m', 'e']);
    expect(store.reads).toBe(0);
  });

  it('reads once the events heard along wake-ups pass POLL_MAX_BYTES, so the store caps the answer', async () => {
    const held = poll();
    await tick();
    await store.send(room, ann.token, 'm');
    store.listener({ type: 'events', events: [await eventAt(1)], bytes: 600 });
    await store.send(room, ann.token, 'e');
    store.listener({ type: 'events', events: [await eventAt(2)], bytes: 600 });
    await tick();
    expect(store.reads).toBe(1);
    timers.fireShortest();
    expect((await held).events.map((e) => e.text)).toEqual(['m', 'e']);
  });

  it('gives way to a newer poll whose signal overtook its own open', async () => {
    const opening = poll();
    store.listener({ type: 'poll', participant: ann.participant, leaseId: '99' });
    const result = await opening;
    expect(result.events).toEqual([]);
    expect(timers.size).toBe(0);
  });

  it('answers empty when a read meanwhile found the own echo it was waiting to deliver expired', async () => {
    const held = poll();
    await tick();
    await store.send(room, ann.token, 'gone');
    store.listener({ type: 'events', events: [await eventAt(1)], bytes: 100 });
    await tick();
    clock.advance(10_000);
    store.listener({ type: 'events' });
    await tick();
    timers.fireShortest();
    expect((await held).events).toEqual([]);
    expect(timers.size).toBe(0);
  });
});
