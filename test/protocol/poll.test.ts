import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent, JoinResponse } from '../../server/protocol.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('GET /rooms/:room/poll ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  let ann: JoinResponse;
  let bob: JoinResponse;
  const poll = (who: JoinResponse, query: Record<string, string | number> = {}) =>
    h.api.get(`/rooms/${room}/poll`).query(query).set(...bearer(who.token));
  const send = (who: JoinResponse, text: string) =>
    h.api.post(`/rooms/${room}/send`).set(...bearer(who.token)).send({ text }).expect(200);
  const texts = (events: ChatEvent[]) => events.filter((e) => e.type === 'text').map((e) => e.text);

  beforeEach(async () => {
    h = await createHarness(factory);
    room = await h.createRoom();
    ann = await h.join(room, 'Ann');
    bob = await h.join(room, 'Bob');
  });
  afterEach(() => h.close());

  it('answers at once with the events after the cursor and the cursor to poll from next', async () => {
    await send(bob, 'hi');
    const res = await poll(ann, { cursor: ann.cursor }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.events.map((e: ChatEvent) => e.type)).toEqual(['join', 'join', 'text']);
    expect(res.body.cursor).toBe(res.body.events[2].id);
    expect(Object.keys(res.body).sort()).toEqual(['cursor', 'events']);
  });

  it('holds for POLL_HOLD_MS when nothing is new, then answers no events and the same cursor', async () => {
    const first = await poll(ann).expect(200);
    const res = await poll(ann, { cursor: first.body.cursor }).expect(200);
    expect(h.hubTimersMs).toEqual([h.config.pollHoldMs]);
    expect(h.pollEnds).toEqual(['events', 'timeout']);
    expect(res.body).toEqual({ events: [], cursor: first.body.cursor });
  });

  it('holds for min(wait, POLL_HOLD_MS)', async () => {
    const { body } = await poll(ann).expect(200);
    const holdFor = async (wait: number) => {
      h.hubTimersMs.length = 0;
      await poll(ann, { cursor: body.cursor, wait }).expect(200);
      return [...h.hubTimersMs];
    };
    expect(await holdFor(20)).toEqual([20]);
    expect(await holdFor(0)).toEqual([]); // answered without holding
    expect(await holdFor(60_000)).toEqual([h.config.pollHoldMs]);
    expect(h.pollEnds).toEqual(['events', 'timeout', 'timeout', 'timeout']);
  });

  it('wakes a held poll as soon as an event arrives', async () => {
    const { body } = await poll(ann).expect(200);
    const held = poll(ann, { cursor: body.cursor, wait: 5_000 }).then((res) => res);
    await h.untilHeld();
    await send(bob, 'now');
    const res = await held;
    expect(texts(res.body.events)).toEqual(['now']);
  });

  it('does not end a hold early for the poller’s own event; the next answer carries it', async () => {
    const { body } = await poll(ann).expect(200);
    const held = poll(ann, { cursor: body.cursor }).then((res) => res);
    await h.untilHeld();
    await send(ann, 'mine');
    const res = await held;
    expect(h.pollEnds).toEqual(['events', 'timeout']); // held to POLL_HOLD_MS (200 ms < the 1 s echo delay)
    expect(res.body.events).toEqual([]);
    const next = await poll(ann, { cursor: res.body.cursor }).expect(200);
    expect(texts(next.body.events)).toEqual(['mine']);
  });

  it('without a cursor, answers every live event from the oldest', async () => {
    await send(ann, 'a');
    const res = await poll(bob).expect(200);
    expect(res.body.events.map((e: ChatEvent) => e.type)).toEqual(['join', 'join', 'text']);
  });

  it('delivers an event only while now < expiresAt', async () => {
    const { body } = await poll(ann).expect(200);
    await send(bob, 'soon gone');
    h.clock.advance(9_999);
    expect(texts((await poll(ann, { cursor: body.cursor }).expect(200)).body.events)).toEqual(['soon gone']);
    h.clock.advance(1);
    // The text is gone; what is left is the news of Ann's own 10 s without a poll in flight.
    const connectionNews = ['unstable:Ann', 'steady:Ann'];
    const kinds = (events: ChatEvent[]) => events.map((e) => `${e.type}:${e.name}`);
    expect(kinds((await poll(ann, { cursor: body.cursor, wait: 0 }).expect(200)).body.events)).toEqual(connectionNews);
    expect(kinds((await poll(ann, { wait: 0 }).expect(200)).body.events)).toEqual(connectionNews);
  });

  it('gives every participant every event exactly once, in one total order, its own included', async () => {
    const cursors = new Map([[ann, ann.cursor], [bob, bob.cursor]]);
    const seen = new Map<JoinResponse, string[]>([[ann, []], [bob, []]]);
    for (let i = 0; i < 20; i += 1) {
      await send(i % 3 === 0 ? ann : bob, `m${i}`);
      for (const who of i % 2 === 0 ? [ann] : [ann, bob]) {
        const res = await poll(who, { cursor: cursors.get(who)!, wait: 0 }).expect(200);
        seen.get(who)!.push(...res.body.events.map((e: ChatEvent) => e.id));
        cursors.set(who, res.body.cursor);
      }
    }
    const rest = await poll(bob, { cursor: cursors.get(bob)!, wait: 0 }).expect(200);
    seen.get(bob)!.push(...rest.body.events.map((e: ChatEvent) => e.id));
    const all = (await poll(ann, { wait: 0 }).expect(200)).body.events.map((e: ChatEvent) => e.id);
    expect(all).toHaveLength(22);
    expect(seen.get(ann)).toEqual(all); // each join cursor sits just before the joiner's own join event
    expect(seen.get(bob)).toEqual(all.slice(1));
  });

  it('answers at most 500 events at once; the rest come with the next poll', async () => {
    await h.close();
    h = await createHarness(factory, { ROOM_MAX_EVENTS: '1000' });
    room = await h.createRoom();
    ann = await h.join(room, 'Ann');
    for (let i = 0; i < 600; i += 1) await send(ann, `k${i}`);
    const first = await poll(ann, { cursor: ann.cursor }).expect(200);
    expect(first.body.events).toHaveLength(500);
    const second = await poll(ann, { cursor: first.body.cursor }).expect(200);
    expect(second.body.events).toHaveLength(101);
    expect(texts(second.body.events).at(-1)).toBe('k599');
  });

  it('answers reset with every live event for a cursor of another incarnation', async () => {
    await send(ann, 'still here');
    const res = await poll(bob, { cursor: 'earlier.3', wait: 0 }).expect(200);
    expect(res.body.reset).toBe(true);
    expect(texts(res.body.events)).toEqual(['still here']);
    const next = await poll(bob, { cursor: res.body.cursor, wait: 0 }).expect(200);
    expect(next.body).toEqual({ events: [], cursor: res.body.cursor });
  });

  it('answers reset, holding, when the other incarnation left nothing live', async () => {
    h.clock.advance(10_000);
    const res = await poll(bob, { cursor: 'earlier.3', wait: 30 }).expect(200);
    expect(res.body.reset).toBe(true);
    expect(res.body.events).toEqual([]);
    const next = await poll(bob, { cursor: res.body.cursor, wait: 0 }).expect(200);
    expect(next.body.reset).toBeUndefined();
  });

  it.each([
    ['cursor', 'nonsense'],
    ['cursor', 'a.-1'],
    ['cursor', 'a.1.5'],
    ['cursor', ''],
    ['wait', '-1'],
    ['wait', '1.5'],
    ['wait', 'soon'],
    ['wait', ''],
  ])('answers 400 for %s=%j', async (name, value) => {
    const res = await poll(ann, { [name]: value }).expect(400);
    expect(res.body.error).toMatch(new RegExp(`"${name}"`));
  });

  it('answers 400 for a repeated parameter', async () => {
    await h.api.get(`/rooms/${room}/poll?cursor=${ann.cursor}&cursor=${ann.cursor}`).set(...bearer(ann.token)).expect(400);
  });

  it('answers 401 without a valid token for this room', async () => {
    await h.api.get(`/rooms/${room}/poll`).expect(401);
    await h.api.get(`/rooms/${room}/poll`).set(...bearer('nope')).expect(401);
    await h.api.get('/rooms/NotARoomAtAll1/poll').set(...bearer(ann.token)).expect(401);
  });

  it('answers an older held poll at once when the same participant polls again', async () => {
    const { body } = await poll(ann).expect(200);
    const older = poll(ann, { cursor: body.cursor, wait: 5_000 }).then((res) => res);
    await h.untilHeld();
    const newer = poll(ann, { cursor: body.cursor, wait: 50 }).then((res) => res);
    const replaced = await older;
    expect(replaced.body).toEqual({ events: [], cursor: body.cursor });
    expect((await newer).status).toBe(200);
    expect(h.pollEnds).toEqual(['events', 'replaced', 'timeout']); // the older by the newer, not by its 5 s hold
  });

  it('does not let one participant’s new poll answer another’s held poll', async () => {
    const { body } = await poll(ann).expect(200);
    const annHeld = poll(ann, { cursor: body.cursor }).then((res) => res);
    await h.untilHeld();
    await poll(bob, { wait: 0 }).expect(200);
    await annHeld;
    expect(h.pollEnds).toEqual(['events', 'events', 'timeout']); // Bob's poll answered at once; Ann's held to its end
  });
});
