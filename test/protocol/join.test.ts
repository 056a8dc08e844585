import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('POST /rooms/:room/join ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  beforeEach(async () => {
    h = await createHarness(factory);
    room = await h.createRoom();
  });
  afterEach(() => h.close());

  it('seats a participant and answers with its token, cursor, timings and the room', async () => {
    const res = await h.api.post(`/rooms/${room}/join`).send({ name: '  Ann  ' }).expect(201);
    expect(res.body).toEqual({
      participant: expect.any(String),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      name: 'Ann',
      cursor: expect.any(String),
      ttlMs: 10_000,
      holdMs: 200,
      capacity: 2,
      participants: [{ id: res.body.participant, name: 'Ann' }],
      host: res.body.participant,
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('emits a join event that the joiner receives from its cursor', async () => {
    const ann = await h.join(room, 'Ann');
    const res = await h.api.get(`/rooms/${room}/poll`).query({ cursor: ann.cursor }).set(...bearer(ann.token)).expect(200);
    expect(res.body.events).toEqual([
      { id: res.body.cursor, type: 'join', from: ann.participant, name: 'Ann', at: h.clock.now(), expiresAt: h.clock.now() + 10_000 },
    ]);
  });

  it('makes up a friendly name when none is given', async () => {
    const res = await h.api.post(`/rooms/${room}/join`).expect(201);
    expect(res.body.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });

  it('accepts a name of exactly 32 characters, counting emoji as one', async () => {
    const name = '🦊'.repeat(32);
    const res = await h.api.post(`/rooms/${room}/join`).send({ name }).expect(201);
    expect(res.body.name).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'x'.repeat(33)],
    ['a control character', 'Ann\u0007'],
    ['a bidi override', 'Ann\u202e'],
    ['a number', 42],
    ['null', null],
  ])('answers 400 for a name that is %s', async (_, name) => {
    const res = await h.api.post(`/rooms/${room}/join`).send({ name }).expect(400);
    expect(res.body.error).toMatch(/"name"/);
  });

  it('answers 409 once every seat is taken, and seats again after a leave', async () => {
    const ann = await h.join(room, 'Ann');
    await h.join(room, 'Bob');
    const res = await h.api.post(`/rooms/${room}/join`).send({ name: 'Cy' }).expect(409);
    expect(res.body).toEqual({ error: 'This room is full.' });
    await h.api.post(`/rooms/${room}/leave`).set(...bearer(ann.token)).expect(204);
    await h.api.post(`/rooms/${room}/join`).send({ name: 'Cy' }).expect(201);
  });

  it('answers 404 for an unknown or malformed room', async () => {
    await h.api.post('/rooms/ZZZZZZZZZZZZZ/join').expect(404);
    await h.api.post('/rooms/x/join').expect(404);
  });
});
