import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { ByteBudget } from '../../server/domain/byte-budget.js';
import { storeOptions } from '../../server/store/create-store.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import type { ChatEvent, JoinResponse } from '../../server/protocol.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { gif, jpeg, png, pngOfSize, SVG, webp } from '../support/images.js';
import { storeFactories } from '../support/stores.js';

const SMALL_LIMITS = { IMAGE_MAX_BYTES: '4096', IMAGE_MAX_PIXELS: '1000', ROOM_IMAGE_BYTES: '10000', IMAGES_PER_MINUTE: '100' };

describe.each(storeFactories)('images ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  let ann: JoinResponse;
  let bob: JoinResponse;
  const upload = (bytes: Buffer, type: string, token = ann.token) =>
    h.api.post(`/rooms/${room}/images`).set(...bearer(token)).set('Content-Type', type).send(bytes);
  const fetchImage = (id: string, token?: string) => {
    const req = h.api.get(`/rooms/${room}/images/${id}`).responseType('blob');
    return token === undefined ? req : req.set(...bearer(token));
  };
  const events = async (): Promise<ChatEvent[]> => {
    const res = await h.api.get(`/rooms/${room}/poll`).query({ cursor: ann.cursor, wait: 0 }).set(...bearer(bob.token)).expect(200);
    return res.body.events;
  };
  const imageEvents = async () => (await events()).filter((e) => e.type === 'image');

  beforeEach(async () => {
    h = await createHarness(factory, SMALL_LIMITS);
    room = await h.createRoom();
    ann = await h.join(room, 'Ann');
    bob = await h.join(room, 'Bob');
  });
  afterEach(() => h.close());

  describe('POST /rooms/:room/images', () => {
    it.each([
      ['image/png', png(300, 200)],
      ['image/jpeg', jpeg(300, 200)],
      ['image/gif', gif(300, 200)],
      ['image/webp', webp(300, 200)],
      ['image/webp', webp(300, 200, { kind: 'VP8L' })],
    ])('takes a %s, appends an image event in the total order and serves the bytes back', async (type, bytes) => {
      await h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: 'look' }).expect(200);
      const res = await upload(bytes, type).expect(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), expiresAt: h.clock.now() + 10_000 });
      const all = await events();
      expect(all.map((e) => e.type)).toEqual(['join', 'join', 'text', 'image']);
      expect(all[3]).toEqual({
        id: expect.any(String),
        type: 'image',
        from: ann.participant,
        name: 'Ann',
        image: { id: res.body.id, type, bytes: bytes.length, width: 300, height: 200 },
        at: h.clock.now(),
        expiresAt: res.body.expiresAt,
      });
      const got = await fetchImage(res.body.id, bob.token).expect(200);
      expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
      expect(got.headers['content-type']).toBe(type);
      expect(got.headers['cache-control']).toBe('no-store');
      expect(got.headers['x-content-type-options']).toBe('nosniff');
      expect(got.headers['content-disposition']).toBe('inline');
    });

    it.each([
      ['SVG declared as SVG', SVG, 'image/svg+xml', 415],
      ['SVG declared as PNG', SVG, 'image/png', 415],
      ['a text file renamed to .jpg', Buffer.from('name,password\nann,hunter2\n'), 'image/jpeg', 415],
      ['a GIF declared as PNG', gif(10, 10), 'image/png', 415],
      ['a JPEG that carries EXIF', jpeg(10, 10, { exif: true }), 'image/jpeg', 400],
      ['a JPEG that carries XMP', jpeg(10, 10, { xmp: true }), 'image/jpeg', 400],
      ['an image wider than IMAGE_MAX_PIXELS', png(1001, 10), 'image/png', 400],
      ['an image taller than IMAGE_MAX_PIXELS', webp(10, 1001), 'image/webp', 400],
      ['a body over IMAGE_MAX_BYTES', pngOfSize(4097), 'image/png', 413],
      ['an empty body', Buffer.alloc(0), 'image/png', 400],
    ])('refuses %s with %i and appends nothing', async (_, bytes, type, status) => {
      const res = await upload(bytes, type).expect(status);
      expect(res.body).toEqual({ error: expect.any(String) });
      expect(await imageEvents()).toEqual([]);
    });

    it('logs the route pattern only: never the room, the image id, its bytes or a refused body', async () => {
      const marker = Buffer.from('SECRET-PIXELS-0123456789');
      const { body } = await upload(png(8, 8, { payload: marker }), 'image/png').expect(201);
      await fetchImage(body.id, bob.token).expect(200);
      await upload(Buffer.from('SECRET-TEXT-as-image'), 'image/png').expect(415);
      const logs = h.logs.join('\n');
      expect(logs).toContain('/rooms/:room/images/:id');
      for (const secret of [room, body.id, 'SECRET-PIXELS', 'SECRET-TEXT', ann.token]) expect(logs).not.toContain(secret);
    });

    it('keeps the stored image as the event describes it', async () => {
      const bytes = jpeg(320, 240);
      const { body } = await upload(bytes, 'image/jpeg').expect(201);
      expect(await h.store.getImage(room, bob.token, body.id)).toEqual({
        info: { id: body.id, type: 'image/jpeg', bytes: bytes.length, width: 320, height: 240 },
        data: expect.anything(),
      });
    });

    it('takes a body of exactly IMAGE_MAX_BYTES', async () => {
      await upload(pngOfSize(4096), 'image/png').expect(201);
    });

    it('answers 401 for no token or another room\'s token, before reading the body', async () => {
      const other = await h.createRoom();
      const carol = await h.join(other, 'Carol');
      await h.api.post(`/rooms/${room}/images`).set('Content-Type', 'image/png').send(png(1, 1)).expect(401);
      const res = await upload(png(1, 1), 'image/png', carol.token).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('answers 429 with Retry-After once the room holds ROOM_IMAGE_BYTES, and takes images again once those vanished', async () => {
      await upload(pngOfSize(4000), 'image/png').expect(201);
      await upload(pngOfSize(4000), 'image/png', bob.token).expect(201);
      const full = await upload(pngOfSize(4000), 'image/png').expect(429);
      expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
      expect(await imageEvents()).toHaveLength(2);
      h.clock.advance(10_000);
      await upload(pngOfSize(4000), 'image/png').expect(201);
    });
  });

  describe('GET /rooms/:room/images/:id', () => {
    it('answers 401 for no token or another room\'s token, 404 for an unknown id', async () => {
      const { body } = await upload(png(5, 5), 'image/png').expect(201);
      const other = await h.createRoom();
      const carol = await h.join(other, 'Carol');
      await fetchImage(body.id).expect(401);
      await fetchImage(body.id, carol.token).expect(401);
      await h.api.get(`/rooms/${other}/images/${body.id}`).set(...bearer(carol.token)).expect(404);
      await fetchImage('A'.repeat(22), bob.token).expect(404);
      await fetchImage('not-an-id', bob.token).expect(404);
      await fetchImage('not-an-id', carol.token).expect(401);
    });

    it('answers 404 once the image expired with its event', async () => {
      const { body } = await upload(png(5, 5), 'image/png').expect(201);
      h.clock.advance(9_999);
      await fetchImage(body.id, bob.token).expect(200);
      h.clock.advance(1);
      const gone = await h.api.get(`/rooms/${room}/images/${body.id}`).set(...bearer(bob.token)).expect(404);
      expect(gone.body).toEqual({ error: 'This image has vanished.' });
      expect(await imageEvents()).toEqual([]);
    });
  });
});

describe.each(storeFactories)('image rates and process budget ($name store)', (factory) => {
  let h: Harness;
  afterEach(() => h.close());

  it('answers 429 with Retry-After past IMAGES_PER_MINUTE for one participant, and not for another', async () => {
    h = await createHarness(factory, { IMAGES_PER_MINUTE: '2', PRESENCE_TIMEOUT_MS: '120000' });
    const room = await h.createRoom();
    const ann = await h.join(room, 'Ann');
    const bob = await h.join(room, 'Bob');
    const up = (token: string) => h.api.post(`/rooms/${room}/images`).set(...bearer(token)).set('Content-Type', 'image/png').send(png(2, 2));
    await up(ann.token).expect(201);
    await up(ann.token).expect(201);
    const limited = await up(ann.token).expect(429);
    expect(limited.headers['retry-after']).toBe('60');
    await up(bob.token).expect(201);
    h.clock.advance(60_000);
    await up(ann.token).expect(201);
  });

  it.skipIf(factory.name !== 'memory')('answers 429 once the memory store holds PROCESS_IMAGE_BYTES of live images, and takes images again once they vanished', async () => {
    h = await createHarness(factory, { IMAGE_MAX_BYTES: '3000', PROCESS_IMAGE_BYTES: '6000', ROOM_IMAGE_BYTES: '100000' });
    const rooms = [await h.createRoom(), await h.createRoom()];
    const tokens = [(await h.join(rooms[0]!, 'Ann')).token, (await h.join(rooms[1]!, 'Bob')).token];
    const up = (i: number) => h.api.post(`/rooms/${rooms[i]}/images`).set(...bearer(tokens[i]!)).set('Content-Type', 'image/png').send(pngOfSize(2500));
    await up(0).expect(201);
    await up(1).expect(201);
    const full = await up(0).expect(429);
    expect(full.body.error).toMatch(/server/);
    expect(full.headers['retry-after']).toBeDefined();
    h.clock.advance(10_000);
    await up(1).expect(201);
  });

  it('answers 429 with Retry-After when the process already holds PROCESS_IMAGE_BYTES of uploads', async () => {
    h = await createHarness(factory);
    const imageBudget = new ByteBudget(h.config.processImageBytes);
    const api = request(createApp({ config: h.config, store: h.store, now: h.clock.now, imageBudget }).callback());
    const room = await h.createRoom();
    const ann = await h.join(room, 'Ann');
    const bytes = png(2, 2);
    // Other uploads in flight hold all but a few bytes of the budget.
    expect(imageBudget.take(h.config.processImageBytes - bytes.length + 1)).toBe(true);
    const res = await api.post(`/rooms/${room}/images`).set(...bearer(ann.token)).set('Content-Type', 'image/png').send(bytes).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
    imageBudget.give(h.config.processImageBytes - bytes.length + 1);
    await api.post(`/rooms/${room}/images`).set(...bearer(ann.token)).set('Content-Type', 'image/png').send(bytes).expect(201);
    expect(imageBudget.used).toBe(0); // the upload's own hold is given back once it is answered
  });
});

describe('an upload and the memory store sharing one PROCESS_IMAGE_BYTES budget, as in server/main.ts', () => {
  it('counts a shared image once: uploads fill the budget with live images, then are refused before being read', async () => {
    const config = loadConfig({ ROOM_SALT: 'test-salt-0123', IMAGE_MAX_BYTES: '3000', PROCESS_IMAGE_BYTES: '6000', ROOM_IMAGE_BYTES: '100000' });
    const clock = new ManualClock();
    const imageBudget = new ByteBudget(config.processImageBytes);
    const store = new MemoryStore(storeOptions(config, clock.now, imageBudget));
    const api = request(createApp({ config, store, now: clock.now, imageBudget }).callback());
    const room = (await api.post('/rooms').send({ capacity: 2 }).expect(201)).body.room as string;
    const ann = (await api.post(`/rooms/${room}/join`).send({ name: 'Ann' }).expect(201)).body as JoinResponse;
    const up = () => api.post(`/rooms/${room}/images`).set(...bearer(ann.token)).set('Content-Type', 'image/png').send(pngOfSize(2500));
    await up().expect(201);
    await up().expect(201); // 2,500 live and 2,500 arriving fit 6,000: the arriving bytes are handed over, not held twice
    expect(imageBudget.used).toBe(5000);
    const refused = await up().expect(429);
    expect(refused.body.error).toMatch(/receiving/); // its declared length did not fit, so none of it was read
    expect(imageBudget.used).toBe(5000);
    await store.close();
  });
});

describe('POST /rooms/:room/images over a real socket', () => {
  let h: Harness;
  let server: Server;
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await h.close();
  });

  it('answers 413 as soon as a chunked upload passes IMAGE_MAX_BYTES, without waiting for the rest', async () => {
    h = await createHarness(storeFactories[0]!, { IMAGE_MAX_BYTES: '4096' });
    server = createServer(createApp({ config: h.config, store: h.store, now: h.clock.now }).callback()).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const room = await h.createRoom();
    const ann = await h.join(room, 'Ann');
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/rooms/${room}/images`, headers: { Authorization: `Bearer ${ann.token}`, 'Content-Type': 'image/png' } });
    const answered = once(req, 'response') as Promise<[IncomingMessage]>;
    req.write(pngOfSize(3000));
    req.write(Buffer.alloc(3000)); // over the cap; the body never ends
    const [res] = await answered;
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    req.destroy();
  });
});
