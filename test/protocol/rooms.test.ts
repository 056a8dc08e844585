import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('rooms ($name store)', (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(factory, { ROOM_IDLE_MS: '60000', PRESENCE_TIMEOUT_MS: '600000' });
  });
  afterEach(() => h.close());

  describe('POST /rooms', () => {
    it('creates a room of the default capacity when the body is empty', async () => {
      const res = await h.api.post('/rooms').expect(201);
      expect(res.body).toEqual({ room: res.body.room, url: `/${res.body.room}`, capacity: 2 });
      expect(res.headers.location).toBe(`/${res.body.room}`);
    });

    it('creates a room of the capacity asked for', async () => {
      const res = await h.api.post('/rooms').send({ capacity: 8 }).expect(201);
      expect(res.body.capacity).toBe(8);
      const info = await h.api.get(`/rooms/${res.body.room}`).expect(200);
      expect(info.body.capacity).toBe(8);
    });

    it.each([[1], [9], [2.5], ['3'], [null], [true], [[2]], [{}]])('answers 400 for capacity %j', async (capacity) => {
      const res = await h.api.post('/rooms').send({ capacity }).expect(400);
      expect(res.body.error).toMatch(/capacity/);
    });

    it('answers 400 for a body that is not a JSON object', async () => {
      await h.api.post('/rooms').set('Content-Type', 'application/json').send('[2]').expect(400);
      await h.api.post('/rooms').set('Content-Type', 'application/json').send('{"capacity":').expect(400);
    });

    it('answers 415 for a form body', async () => {
      const res = await h.api.post('/rooms').set('Content-Type', 'application/x-www-form-urlencoded').send('capacity=3').expect(415);
      expect(res.body.error).toMatch(/application\/json/);
    });

    it('issues unguessable ids: at least 12 characters of [A-Za-z0-9], all different', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 50; i += 1) ids.add(await h.createRoom());
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{12,}$/);
    });
  });

  describe('GET /rooms/:room', () => {
    it('describes the room, its participants, its host and its timings to a participant', async () => {
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      const res = await h.api.get(`/rooms/${room}`).set(...bearer(ann.token)).expect(200);
      expect(res.body).toEqual({
        room,
        capacity: 2,
        seatsTaken: 1,
        full: false,
        locked: false,
        participants: [{ id: ann.participant, name: 'Ann' }],
        host: ann.participant,
        ttlMs: h.config.messageTtlMs,
        holdMs: h.config.pollHoldMs,
      });
    });

    it.each(['KMDZPWw5Z2oaw', 'short', 'a'.repeat(40), 'has-dash-in-it', '%E2%9C%93%E2%9C%93%E2%9C%93%E2%9C%93'])(
      'answers 404 for the unknown or malformed id %s',
      async (id) => {
        const res = await h.api.get(`/rooms/${id}`).expect(404);
        expect(res.body).toEqual({ error: 'This room does not exist; it may have vanished.' });
      },
    );

    it('forgets a room nobody joined once ROOM_IDLE_MS has passed', async () => {
      const room = await h.createRoom();
      h.clock.advance(59_999);
      await h.api.get(`/rooms/${room}`).expect(200);
      h.clock.advance(1);
      await h.api.get(`/rooms/${room}`).expect(404);
    });

    it('forgets a room ROOM_IDLE_MS after its last participant left, not before', async () => {
      const room = await h.createRoom();
      const ann = await h.join(room, 'Ann');
      h.clock.advance(59_000); // seated: idle time does not run
      await h.api.post(`/rooms/${room}/leave`).set('Authorization', `Bearer ${ann.token}`).expect(204);
      h.clock.advance(59_999);
      await h.api.get(`/rooms/${room}`).expect(200);
      h.clock.advance(1);
      await h.api.get(`/rooms/${room}`).expect(404);
      await h.api.post(`/rooms/${room}/join`).expect(404);
    });
  });
});

describe.each(storeFactories)('room creation rate ($name store)', (factory) => {
  let h: Harness;
  afterEach(() => h.close());

  it('allows ROOMS_PER_MINUTE new rooms per client address, then 429 until the minute is over', async () => {
    h = await createHarness(factory, { ROOMS_PER_MINUTE: '3' });
    await h.createRoom();
    await h.api.get('/').expect(302);
    await h.createRoom();
    const refused = await h.api.post('/rooms').expect(429);
    expect(refused.body.error).toMatch(/Too many new rooms/);
    expect(refused.headers['retry-after']).toBe('60');
    await h.api.get('/').expect(429);
    h.clock.advance(60_000);
    await h.createRoom();
  });

  it('counts addresses apart behind a trusted proxy, and ignores X-Forwarded-For otherwise', async () => {
    h = await createHarness(factory, { ROOMS_PER_MINUTE: '1', TRUST_PROXY: 'true' });
    await h.api.post('/rooms').set('X-Forwarded-For', '203.0.113.1').expect(201);
    await h.api.post('/rooms').set('X-Forwarded-For', '203.0.113.2').expect(201);
    await h.api.post('/rooms').set('X-Forwarded-For', '203.0.113.1').expect(429);
    await h.close();
    h = await createHarness(factory, { ROOMS_PER_MINUTE: '1' });
    await h.api.post('/rooms').set('X-Forwarded-For', '203.0.113.1').expect(201);
    await h.api.post('/rooms').set('X-Forwarded-For', '203.0.113.2').expect(429);
  });
});
