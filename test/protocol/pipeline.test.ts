import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createHttpServer } from '../../server/http-server.js';
import { BODY_LIMIT_BYTES } from '../../server/protocol.js';
import { createLogger } from '../../server/logger.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { storeOptions } from '../../server/store/create-store.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('one Koa pipeline ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  let token: string;
  beforeEach(async () => {
    h = await createHarness(factory);
    room = await h.createRoom();
    token = (await h.join(room, 'Ann')).token;
  });
  afterEach(() => h.close());

  /** Every API path with the methods it answers, as docs/protocol.md lists them. */
  const apiPaths = (): [string, string][] => [
    ['/healthz', 'GET'],
    ['/rooms', 'POST'],
    [`/rooms/${room}`, 'GET'],
    [`/rooms/${room}/join`, 'POST'],
    [`/rooms/${room}/presence`, 'POST'],
    [`/rooms/${room}/leave`, 'POST'],
    [`/rooms/${room}/send`, 'POST'],
    [`/rooms/${room}/poll`, 'GET'],
  ];
  const postPaths = (): string[] => apiPaths().filter(([, allow]) => allow === 'POST').map(([path]) => path);

  it('lets a middleware put first with app.middleware.unshift see every route, send and poll included', async () => {
    const config = loadConfig({ ROOM_SALT: 'test-salt-0123', POLL_HOLD_MS: '200' });
    const store = new MemoryStore(storeOptions(config, Date.now));
    const app = createApp({ config, store });
    const seen: string[] = [];
    app.middleware.unshift(async function spy(ctx, next) {
      seen.push(`${ctx.method} ${ctx.path.replace(/^\/rooms\/[^/]+/, '/rooms/:room')}`);
      await next();
    });
    const api = request(app.callback());
    const created = await api.post('/rooms').send({}).expect(201);
    const joined = await api.post(`/rooms/${created.body.room}/join`).send({}).expect(201);
    const auth = bearer(joined.body.token as string);
    await api.post(`/rooms/${created.body.room}/send`).set(...auth).send({ text: 'h' }).expect(200);
    await api.get(`/rooms/${created.body.room}/poll`).query({ cursor: joined.body.cursor, wait: 0 }).set(...auth).expect(200);
    expect(seen).toEqual(['POST /rooms', 'POST /rooms/:room/join', 'POST /rooms/:room/send', 'GET /rooms/:room/poll']);
    await store.close();
  });

  it('answers 405 with Allow and a JSON error for every other method on every API path', async () => {
    for (const [path, allow] of apiPaths()) {
      for (const method of ['put', 'delete', 'patch', allow === 'GET' ? 'post' : 'get'] as const) {
        const res = await h.api[method](path).set(...bearer(token)).expect(405);
        expect(res.headers.allow, `${method} ${path}`).toBe(allow);
        expect(res.body).toEqual({ error: 'This method is not allowed here.' });
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      }
    }
  });

  it('answers OPTIONS with 204 and Allow on every API path', async () => {
    for (const [path, allow] of apiPaths()) {
      const res = await h.api.options(path).expect(204);
      expect(res.headers.allow, path).toBe(allow);
      expect(res.text).toBe('');
    }
  });

  it('answers HEAD with 405 and Allow on every API path, a held poll included', async () => {
    for (const [path, allow] of apiPaths()) {
      const res = await h.api.head(path).set(...bearer(token)).expect(405);
      expect(res.headers.allow, path).toBe(allow);
    }
    expect(h.hub.size).toBe(0);
  });

  it.each(['/rooms/', '/rooms/abc/def/ghi', '/rooms/abc/', '/rooms/abc/constructor', '/rooms/abc/toString', '/rooms/abc/poll/', '/rooms/%E0%A4%A/poll'])(
    'answers %s with a JSON 404 or 401, never an HTML page',
    async (path) => {
      const res = await h.api.get(path);
      expect([401, 404]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(['error']);
    },
  );

  it('answers GET /rooms with a JSON 405 rather than the vanished page', async () => {
    const res = await h.api.get('/rooms').expect(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toEqual({ error: 'This method is not allowed here.' });
  });

  it('gives a JSON body that is not an object the same sentence on every route that takes a body', async () => {
    for (const path of postPaths()) {
      for (const body of ['"hello"', '[1]', '7', 'null']) {
        const res = await h.api.post(path).set(...bearer(token)).set('Content-Type', 'application/json').send(body).expect(400);
        expect(res.body, `${body} to ${path}`).toEqual({ error: 'The request body must be a JSON object.' });
      }
    }
  });

  it('gives malformed JSON the same sentence on every route that takes a body', async () => {
    for (const path of postPaths()) {
      const res = await h.api.post(path).set(...bearer(token)).set('Content-Type', 'application/json').send('{"text": "se').expect(400);
      expect(res.body, path).toEqual({ error: 'The request body is not valid JSON.' });
    }
  });

  it('answers 413 the same on every route that takes a body, and closes the connection', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(BODY_LIMIT_BYTES) });
    for (const path of postPaths()) {
      const res = await h.api.post(path).set(...bearer(token)).set('Content-Type', 'application/json').send(big).expect(413);
      expect(res.body, path).toEqual({ error: `The request body is larger than ${BODY_LIMIT_BYTES} bytes.` });
      expect(res.headers.connection, path).toBe('close');
    }
  });

  it('answers 415 the same on every route that takes a body', async () => {
    for (const path of postPaths()) {
      const res = await h.api.post(path).set(...bearer(token)).set('Content-Type', 'application/xml').send('<a/>').expect(415);
      expect(res.body, path).toEqual({ error: 'Send the body as application/json or text/plain.' });
    }
  });
});

describe('request log setting', () => {
  let lines: Record<string, unknown>[];
  const appWith = (env: Record<string, string>) => {
    const config = loadConfig({ ROOM_SALT: 'test-salt-0123', ...env });
    const store = new MemoryStore(storeOptions(config, Date.now));
    const app = createApp({ config, store, logger: createLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
    return { api: request(app.callback()), store };
  };
  beforeEach(() => {
    lines = [];
  });

  it('writes no line per request by default', async () => {
    const { api, store } = appWith({});
    await api.post('/rooms').send({}).expect(201);
    await api.get('/rooms/nope').expect(404);
    expect(lines.filter((line) => line.event === 'request')).toEqual([]);
    await store.close();
  });

  it('writes one line per request, named by its route pattern, with LOG_REQUESTS=true', async () => {
    const { api, store } = appWith({ LOG_REQUESTS: 'true' });
    const created = await api.post('/rooms').send({}).expect(201);
    await api.get(`/rooms/${created.body.room}/poll`).expect(401);
    await api.get('/about').expect(200);
    await api.get('/no/such/page').expect(404);
    const requests = lines.filter((line) => line.event === 'request').map((line) => `${line.method} ${line.route} ${line.status}`);
    expect(requests).toEqual(['POST /rooms 201', 'GET /rooms/:room/poll 401', 'GET /about 200', 'GET unmatched 404']);
    await store.close();
  });
});

describe('a body cut off mid-way (real socket)', () => {
  it('is a client error: no error line, and the server answers the next request', async () => {
    const lines: Record<string, unknown>[] = [];
    const config = loadConfig({ ROOM_SALT: 'test-salt-0123', LOG_REQUESTS: 'true' });
    const store = new MemoryStore(storeOptions(config, Date.now));
    const app = createApp({ config, store, logger: createLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
    const server = createHttpServer(app, config).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write('POST /rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"capa');
      await new Promise((resolve) => setImmediate(resolve));
      socket.destroy();
      await until(() => lines.some((line) => line.event === 'request'), 'the cut-off request to be answered');
      expect(lines.filter((line) => line.level === 'error')).toEqual([]);
      expect(lines.find((line) => line.event === 'request')).toMatchObject({ route: '/rooms', status: 400 });
      await request(server).post('/rooms').send({}).expect(201);
    } finally {
      server.close();
      await store.close();
    }
  });
});
