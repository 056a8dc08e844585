import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent, JoinResponse } from '../../server/protocol.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('presence and leaving ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  let ann: JoinResponse;
  let bob: JoinResponse;
  const events = async (who: JoinResponse): Promise<ChatEvent[]> => {
    const res = await h.api.get(`/rooms/${room}/poll`).query({ cursor: who.cursor, wait: 0 }).set(...bearer(who.token)).expect(200);
    return res.body.events;
  };
  const kinds = async (who: JoinResponse) => (await events(who)).map((e) => `${e.type}:${e.name}`);

  beforeEach(async () => {
    h = await createHarness(factory, { PRESENCE_TIMEOUT_MS: '1000', MESSAGE_TTL_MS: '60000' });
    room = await h.createRoom();
    ann = await h.join(room, 'Ann');
    bob = await h.join(room, 'Bob');
  });
  afterEach(() => h.close());

  describe('POST /rooms/:room/presence', () => {
    const presence = (who: JoinResponse, state: unknown) =>
      h.api.post(`/rooms/${room}/presence`).set(...bearer(who.token)).send({ state });

    it('emits away and back only when the state changes', async () => {
      await presence(bob, 'here').expect(204);
      await presence(bob, 'away').expect(204);
      await presence(bob, 'away').expect(204);
      await presence(bob, 'here').expect(204);
      expect(await kinds(ann)).toEqual(['join:Ann', 'join:Bob', 'away:Bob', 'back:Bob']);
    });

    it.each([['gone'], [null], [1]])('answers 400 for state %j', async (state) => {
      const res = await presence(bob, state).expect(400);
      expect(res.body.error).toMatch(/"state"/);
    });

    it('answers 401 without a token', async () => {
      await h.api.post(`/rooms/${room}/presence`).send({ state: 'away' }).expect(401);
    });
  });

  describe('POST /rooms/:room/leave', () => {
    it('emits leave, kills the token and frees the seat', async () => {
      await h.api.post(`/rooms/${room}/leave`).set(...bearer(bob.token)).expect(204);
      expect(await kinds(ann)).toEqual(['join:Ann', 'join:Bob', 'leave:Bob']);
      await h.api.post(`/rooms/${room}/send`).set(...bearer(bob.token)).send({ text: 'x' }).expect(401);
      await h.api.post(`/rooms/${room}/leave`).set(...bearer(bob.token)).expect(401);
      const info = await h.api.get(`/rooms/${room}`).set(...bearer(ann.token)).expect(200);
      expect(info.body.participants).toEqual([{ id: ann.participant, name: 'Ann' }]);
    });

    it('takes the token from a text/plain body, as navigator.sendBeacon sends it', async () => {
      await h.api
        .post(`/rooms/${room}/leave`)
        .set('Content-Type', 'text/plain;charset=UTF-8')
        .send(JSON.stringify({ token: bob.token }))
        .expect(204);
      expect((await kinds(ann)).at(-1)).toBe('leave:Bob');
    });

    it('takes the token from a JSON body', async () => {
      await h.api.post(`/rooms/${room}/leave`).send({ token: bob.token }).expect(204);
      expect((await kinds(ann)).at(-1)).toBe('leave:Bob');
    });

    it('answers 400 for a body without a usable token and 401 for a wrong one', async () => {
      await h.api.post(`/rooms/${room}/leave`).set('Content-Type', 'text/plain').send('bye').expect(400);
      await h.api.post(`/rooms/${room}/leave`).send({ token: 5 }).expect(400);
      await h.api.post(`/rooms/${room}/leave`).send({ token: 'wrong' }).expect(401);
      await h.api.post(`/rooms/${room}/leave`).expect(401);
    });
  });

  describe('presence timeout', () => {
    it('emits leave and frees the seat of a participant with no poll for PRESENCE_TIMEOUT_MS', async () => {
      h.clock.advance(999);
      await h.api.get(`/rooms/${room}/poll`).query({ wait: 0 }).set(...bearer(ann.token)).expect(200);
      h.clock.advance(1); // Bob has not polled since joining: gone
      expect(await kinds(ann)).toEqual(['join:Ann', 'join:Bob', 'leave:Bob']);
      await h.api.get(`/rooms/${room}/poll`).set(...bearer(bob.token)).expect(401);
      await h.join(room, 'Cy');
    });

    it('keeps a participant whose poll is held, and counts from the end of that poll', async () => {
      const names = async () => (await h.store.getRoom(room))!.participants.map((p) => p.name);
      const { body } = await h.api.get(`/rooms/${room}/poll`).query({ wait: 0 }).set(...bearer(bob.token));
      const held = h.api.get(`/rooms/${room}/poll`).query({ cursor: body.cursor, wait: 150 }).set(...bearer(bob.token)).then((r) => r);
      await h.untilHeld();
      h.clock.advance(1_100); // past the timeout, but Bob's poll is in flight; Ann never polled
      expect(await names()).toEqual(['Bob']);
      await held;
      h.clock.advance(999);
      expect(await names()).toEqual(['Bob']);
      h.clock.advance(1);
      expect(await names()).toEqual([]);
    });

    it('wakes held polls with the leave event', async () => {
      const first = await h.api.get(`/rooms/${room}/poll`).query({ wait: 0 }).set(...bearer(ann.token));
      const held = h.api.get(`/rooms/${room}/poll`).query({ cursor: first.body.cursor, wait: 5_000 }).set(...bearer(ann.token)).then((r) => r);
      await h.untilHeld();
      h.clock.advance(1_000);
      await h.api.get(`/rooms/${room}`).expect(200); // any request notices what is due
      const res = await held;
      expect(res.body.events.map((e: ChatEvent) => `${e.type}:${e.name}`)).toEqual(['leave:Bob']);
    });
  });
});
