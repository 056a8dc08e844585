import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent, JoinResponse } from '../../server/protocol.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('partner connection state ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  let ann: JoinResponse;
  let bob: JoinResponse;
  const poll = (who: JoinResponse, query: Record<string, string | number> = { wait: 0 }) =>
    h.api.get(`/rooms/${room}/poll`).query({ cursor: who.cursor, ...query }).set(...bearer(who.token));
  /** What Ann has been told since she joined, as `type:name`. */
  const annSees = async () => (await poll(ann).expect(200)).body.events.map((e: ChatEvent) => `${e.type}:${e.name}`);
  const JOINS = ['join:Ann', 'join:Bob'];

  beforeEach(async () => {
    h = await createHarness(factory, { UNSTABLE_AFTER_MS: '1000', PRESENCE_TIMEOUT_MS: '5000', MESSAGE_TTL_MS: '60000' });
    room = await h.createRoom();
    ann = await h.join(room, 'Ann');
    bob = await h.join(room, 'Bob');
  });
  afterEach(() => h.close());

  it('emits unstable once a participant has had no poll in flight for UNSTABLE_AFTER_MS, and steady at their next poll', async () => {
    await poll(bob).expect(200);
    h.clock.advance(999);
    expect(await annSees()).toEqual(JOINS);
    h.clock.advance(1);
    expect(await annSees()).toEqual([...JOINS, 'unstable:Bob']);
    const own = await poll(bob).expect(200);
    expect(own.body.events.map((e: ChatEvent) => e.type)).toEqual(['join', 'unstable', 'steady']); // from Bob's own join on
    expect(await annSees()).toEqual([...JOINS, 'unstable:Bob', 'steady:Bob']);
  });

  it('tells each outage once: no second unstable while it lasts, one steady however many polls follow', async () => {
    await poll(bob).expect(200);
    h.clock.advance(1_000);
    h.clock.advance(3_000);
    await poll(bob).expect(200);
    await poll(bob).expect(200);
    expect(await annSees()).toEqual([...JOINS, 'unstable:Bob', 'steady:Bob']);
  });

  it('counts a held poll as in flight, and times the outage from the end of its hold', async () => {
    await poll(bob).expect(200);
    const held = poll(bob, { cursor: (await poll(bob).expect(200)).body.cursor, wait: 150 }).then((r) => r);
    await h.untilHeld();
    h.clock.advance(2_000);
    expect(await annSees()).toEqual(JOINS);
    await held;
    h.clock.advance(999);
    expect(await annSees()).toEqual(JOINS);
    h.clock.advance(1);
    expect(await annSees()).toEqual([...JOINS, 'unstable:Bob']);
  });

  it('does not time a poll that a newer one displaced: only the current lease ending starts the clock', async () => {
    const { cursor } = (await poll(bob).expect(200)).body;
    const older = poll(bob, { cursor, wait: 5_000 }).then((r) => r);
    await h.untilHeld();
    const newer = poll(bob, { cursor, wait: 5_000 }).then((r) => r);
    expect((await older).body.events).toEqual([]); // gave way, and closed its own (stale) lease
    await h.untilHeld();
    h.clock.advance(2_000);
    expect(await annSees()).toEqual(JOINS);
    await h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: 'end it' }).expect(200);
    expect((await newer).body.events.map((e: ChatEvent) => e.type)).toEqual(['text']);
  });

  it('wakes the others\' held polls with the unstable event', async () => {
    await poll(bob).expect(200);
    const { cursor } = (await poll(ann).expect(200)).body;
    const held = poll(ann, { cursor, wait: 5_000 }).then((r) => r);
    await h.untilHeld();
    h.clock.advance(1_000);
    await h.api.get(`/rooms/${room}`).expect(200); // any request notices what is due
    expect((await held).body.events.map((e: ChatEvent) => `${e.type}:${e.name}`)).toEqual(['unstable:Bob']);
  });

  it('does not time a participant who joined and never polled (presence alone frees the seat)', async () => {
    h.clock.advance(4_999);
    expect(await annSees()).toEqual(JOINS);
    h.clock.advance(1);
    // Ann polled all along (wait 0), so only Bob, who never polled, has left.
    expect(await annSees()).toEqual([...JOINS, 'leave:Bob']);
  });

  it('says only leave when presence runs out in the same sweep as the unstable timer', async () => {
    await poll(bob).expect(200);
    const { cursor } = (await poll(ann).expect(200)).body;
    const held = poll(ann, { cursor, wait: 5_000 }).then((r) => r); // keeps Ann present through the jump
    await h.untilHeld();
    h.clock.advance(5_000);
    await h.api.get(`/rooms/${room}`).expect(200);
    expect((await held).body.events.map((e: ChatEvent) => `${e.type}:${e.name}`)).toEqual(['leave:Bob']);
  });

  it('keeps a sender who stopped polling unstable: a send is no poll in flight', async () => {
    await poll(bob).expect(200);
    h.clock.advance(1_000);
    await h.api.post(`/rooms/${room}/send`).set(...bearer(bob.token)).send({ text: 'typed in a tunnel' }).expect(200);
    h.clock.advance(3_000);
    expect(await annSees()).toEqual([...JOINS, 'unstable:Bob', 'text:Bob']);
  });
});
