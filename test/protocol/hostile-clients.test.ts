import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent, JoinResponse } from '../../server/protocol.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

// One test per row of issue 9's table that is about the protocol rather than sockets
// (those are in test/process/connection-guard.test.ts).

const joinKey = (): string => randomBytes(16).toString('base64url');

describe.each(storeFactories)('hostile clients ($name store)', (factory) => {
  let h: Harness;
  afterEach(() => h.close());

  const send = (room: string, who: JoinResponse, text: string) => h.api.post(`/rooms/${room}/send`).set(...bearer(who.token)).send({ text });
  const poll = (room: string, who: JoinResponse, cursor: string) =>
    h.api.get(`/rooms/${room}/poll`).query({ cursor, wait: 0 }).set(...bearer(who.token)).expect(200);

  describe('client address behind PROXY_HOPS proxies', () => {
    it('counts the right-most X-Forwarded-For entry, which the client cannot write', async () => {
      h = await createHarness(factory, { ROOMS_PER_MINUTE: '2', PROXY_HOPS: '1' });
      for (let i = 0; i < 2; i += 1) await h.api.post('/rooms').set('X-Forwarded-For', `10.9.9.${i}, 203.0.113.7`).expect(201);
      for (let i = 2; i < 6; i += 1) await h.api.post('/rooms').set('X-Forwarded-For', `10.9.9.${i}, 203.0.113.7`).expect(429);
      await h.api.post('/rooms').set('X-Forwarded-For', '10.9.9.1, 203.0.113.8').expect(201);
    });

    it('with two hops, counts the entry the outer proxy appended', async () => {
      h = await createHarness(factory, { ROOMS_PER_MINUTE: '1', PROXY_HOPS: '2' });
      await h.api.post('/rooms').set('X-Forwarded-For', '10.0.0.1, 198.51.100.4, 10.1.1.1').expect(201);
      await h.api.post('/rooms').set('X-Forwarded-For', '10.0.0.2, 198.51.100.4, 10.1.1.2').expect(429);
    });
  });

  describe('a stranger who learns the link', () => {
    it('is removed by the host, cannot come back while the room is locked, and the invited one gets in', async () => {
      h = await createHarness(factory);
      const room = await h.createRoom();
      const host = await h.join(room, 'Ann');
      expect(host.host).toBe(host.participant);
      const stranger = await h.join(room, 'Eve');
      expect(stranger.host).toBe(host.participant);
      await h.api.post(`/rooms/${room}/join`).send({ name: 'Bob' }).expect(409);

      await h.api.post(`/rooms/${room}/kick`).set(...bearer(stranger.token)).send({ participant: host.participant }).expect(403);
      await h.api.post(`/rooms/${room}/kick`).set(...bearer(host.token)).send({ participant: stranger.participant }).expect(204);
      await send(room, stranger, 'still here?').expect(401);
      const back = await h.api.post(`/rooms/${room}/join`).send({ name: 'Eve' }).expect(403);
      expect(back.body.error).toMatch(/locked/);
      const events = (await poll(room, host, host.cursor)).body.events as ChatEvent[];
      expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(['join:Ann', 'join:Eve', 'leave:Eve']);

      await h.api.post(`/rooms/${room}/lock`).set(...bearer(host.token)).send({ locked: false }).expect(204);
      const bob = await h.join(room, 'Bob');
      await h.api.post(`/rooms/${room}/lock`).set(...bearer(bob.token)).send({ locked: true }).expect(403);
      await h.api.post(`/rooms/${room}/kick`).set(...bearer(host.token)).send({ participant: host.participant }).expect(400);
      await h.api.post(`/rooms/${room}/kick`).set(...bearer(host.token)).send({ participant: 'nobody' }).expect(404);
      await h.api.post(`/rooms/${room}/kick`).set(...bearer(host.token)).send({}).expect(400);
    });

    it('hands the host role to the longest-seated participant when the host leaves', async () => {
      h = await createHarness(factory, { ROOM_MAX_CAPACITY: '3' });
      const room = await h.createRoom(3);
      const ann = await h.join(room, 'Ann');
      const bob = await h.join(room, 'Bob');
      const cy = await h.join(room, 'Cy');
      await h.api.post(`/rooms/${room}/leave`).set(...bearer(ann.token)).expect(204);
      await h.api.post(`/rooms/${room}/kick`).set(...bearer(bob.token)).send({ participant: cy.participant }).expect(204);
    });

    it('learns from GET /rooms/:room whether there is a seat, not who is there', async () => {
      h = await createHarness(factory);
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      const open = await h.api.get(`/rooms/${room}`).expect(200);
      expect(open.body).toEqual({ room, capacity: 2, seatsTaken: 1, full: false, locked: false, ttlMs: h.config.messageTtlMs, holdMs: h.config.pollHoldMs });
      expect(JSON.stringify(open.body)).not.toContain('Ann');
      await h.join(room, 'Bob');
      expect((await h.api.get(`/rooms/${room}`).expect(200)).body).toMatchObject({ seatsTaken: 2, full: true });
      const seated = await h.api.get(`/rooms/${room}`).set(...bearer(ann.token)).expect(200);
      expect(seated.body.participants.map((p: { name: string }) => p.name)).toEqual(['Ann', 'Bob']);
      await h.api.get(`/rooms/${room}`).set(...bearer('not-a-seated-token')).expect(401);
    });
  });

  describe('one participant sending as fast as it can', () => {
    it('is refused with 429 and Retry-After past its rate, while the other still sends', async () => {
      h = await createHarness(factory, { SENDS_PER_SECOND: '10', SENDS_BURST: '5', SEND_CHARS_PER_SECOND: '100', SEND_CHARS_BURST: '1000' });
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      const bob = await h.join(room, 'Bob');
      for (let i = 0; i < 5; i += 1) await send(room, ann, `a${i}`).expect(200);
      const refused = await send(room, ann, 'flood').expect(429);
      expect(refused.body.error).toMatch(/faster than this room allows/);
      expect(refused.headers['retry-after']).toBe('1');
      for (let i = 0; i < 5; i += 1) await send(room, bob, `b${i}`).expect(200);
      h.clock.advance(100); // one send's worth at 10 per second
      await send(room, ann, 'again').expect(200);
      await send(room, ann, 'too soon').expect(429);
    });

    it('counts characters too: a long paste spends the character allowance', async () => {
      h = await createHarness(factory, { SENDS_PER_SECOND: '100', SENDS_BURST: '100', SEND_CHARS_PER_SECOND: '100', SEND_CHARS_BURST: '1000' });
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      await send(room, ann, '😀'.repeat(1000)).expect(200);
      const refused = await send(room, ann, 'abc').expect(429);
      expect(refused.headers['retry-after']).toBe('1');
      h.clock.advance(30);
      await send(room, ann, 'abc').expect(200);
    });
  });

  describe('a cut join, retried with the same key', () => {
    it('gets the same seat and token, never a second seat', async () => {
      h = await createHarness(factory);
      const room = await h.createRoom();
      const key = joinKey();
      const first = await h.api.post(`/rooms/${room}/join`).send({ name: 'Ann', key }).expect(201);
      const retry = await h.api.post(`/rooms/${room}/join`).send({ name: 'Ann', key }).expect(201);
      expect(retry.body).toEqual(first.body);
      const viaHeader = await h.api.post(`/rooms/${room}/join`).set('Idempotency-Key', key).send({ name: 'Ann' }).expect(201);
      expect(viaHeader.body.token).toBe(first.body.token);
      await h.join(room, 'Bob'); // the second seat is still free
      const events = (await poll(room, first.body as JoinResponse, first.body.cursor)).body.events as ChatEvent[];
      expect(events.map((e) => `${e.type}:${e.name}`)).toEqual(['join:Ann', 'join:Bob']);
    });

    it('makes a new seat once the key window is over, and refuses a guessable key', async () => {
      h = await createHarness(factory, { JOIN_KEY_WINDOW_MS: '1000', ROOM_MAX_CAPACITY: '3' });
      const room = await h.createRoom(3);
      const key = joinKey();
      const first = await h.api.post(`/rooms/${room}/join`).send({ key }).expect(201);
      h.clock.advance(1_000);
      const later = await h.api.post(`/rooms/${room}/join`).send({ key }).expect(201);
      expect(later.body.participant).not.toBe(first.body.participant);
      const short = await h.api.post(`/rooms/${room}/join`).send({ key: 'abc' }).expect(400);
      expect(short.body.error).toMatch(/"key"/);
      await h.api.post(`/rooms/${room}/join`).send({ key: 42 }).expect(400);
    });
  });

  describe('text hygiene', () => {
    it.each([
      ['Zalgo: a + 999 x U+0301', `a${'\u0301'.repeat(999)}`, /combining marks/],
      ['1,000 x U+202E', '\u202e'.repeat(1000), /bidi/],
      ['an isolate U+2067', 'abc\u2067def', /bidi/],
    ])('refuses %s in text with a 400 sentence', async (_, text, sentence) => {
      h = await createHarness(factory);
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      const res = await send(room, ann, text).expect(400);
      expect(res.body.error).toMatch(sentence);
    });

    it('accepts real stacked marks (Vietnamese, four in a row)', async () => {
      h = await createHarness(factory);
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      await send(room, ann, 'Tiếng Việt ệ').expect(200);
      await send(room, ann, `e${'\u0301\u0302\u0303\u0304'}`).expect(200);
      await send(room, ann, `e${'\u0301\u0302\u0303\u0304\u0305'}`).expect(400);
    });

    it.each([
      ['32 zero-width joiners', '\u200d'.repeat(32)],
      ['word joiners and a no-break space', '\u2060\u00a0\u2060'],
      ['combining marks alone', '\u0301\u0302'],
    ])('refuses a name of %s', async (_, name) => {
      h = await createHarness(factory);
      const room = await h.createRoom();
      const res = await h.api.post(`/rooms/${room}/join`).send({ name }).expect(400);
      expect(res.body.error).toMatch(/visible character/);
    });
  });

  describe('a participant who only sends', () => {
    it('stays present as long as it keeps sending', async () => {
      h = await createHarness(factory, { PRESENCE_TIMEOUT_MS: '1000' });
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      for (let i = 0; i < 5; i += 1) {
        h.clock.advance(900);
        await send(room, ann, `k${i}`).expect(200);
      }
      h.clock.advance(999);
      expect((await h.store.getRoom(room))!.participants.map((p) => p.name)).toEqual(['Ann']);
      h.clock.advance(1);
      expect((await h.store.getRoom(room))!.participants).toEqual([]);
    });
  });

  describe('the largest answers', () => {
    it('stop before POLL_MAX_BYTES; the rest comes with the next poll', async () => {
      h = await createHarness(factory, { POLL_MAX_BYTES: '10000' });
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      for (let i = 0; i < 10; i += 1) await send(room, ann, `${i}${'😀'.repeat(999)}`).expect(200);
      let cursor = ann.cursor;
      const seen: string[] = [];
      for (let answers = 0; seen.length < 10; answers += 1) {
        expect(answers).toBeLessThan(10);
        const res = await poll(room, ann, cursor);
        const events = (res.body.events as ChatEvent[]).filter((e) => e.type === 'text');
        expect(Buffer.byteLength(JSON.stringify(res.body.events))).toBeLessThan(10_000);
        seen.push(...events.map((e) => e.text!.slice(0, 1)));
        cursor = res.body.cursor;
      }
      expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    });

    it('always carries at least one event, however large', async () => {
      h = await createHarness(factory, { POLL_MAX_BYTES: '1024' });
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      await send(room, ann, '😀'.repeat(1000)).expect(200);
      const first = await poll(room, ann, ann.cursor);
      expect(first.body.events.map((e: ChatEvent) => e.type)).toEqual(['join']);
      const second = await poll(room, ann, first.body.cursor);
      expect(second.body.events).toHaveLength(1);
      expect(second.body.events[0].text).toHaveLength(2000); // 1,000 emoji, two UTF-16 units each
    });
  });
});
