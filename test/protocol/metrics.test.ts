import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { RoomError } from '../../server/domain/room-error.js';
import { PollHub } from '../../server/http/poll-hub.js';
import { observeStore, STORE_OPERATIONS } from '../../server/metrics/observed-store.js';
import { PrometheusMetrics } from '../../server/metrics/prometheus-metrics.js';
import type { RoomStore } from '../../server/store/room-store.js';
import { bearer } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { until } from '../support/until.js';
import { createStore } from '../../server/store/create-store.js';
import { deleteKeys, redisCluster, redisUrl, storeFactories } from '../support/stores.js';
import { dumpDatabase } from '../redis/instances.js';

const TOKEN = 'scrape-me-0123456789abcdef';
const ENV = { POLL_HOLD_MS: '5000', ROOM_SALT: 'test-salt-0123', ROOMS_PER_MINUTE: '1000' };

/** Every sample of a Prometheus text exposition: `name{labels}` -> value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    map.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return map;
}

/** Every label value in the exposition. */
function labelValues(text: string): string[] {
  return [...text.matchAll(/[a-z_]+="([^"]*)"/g)].map((m) => m[1]!);
}

describe.each(storeFactories)('GET /metrics ($name store)', (factory) => {
  let close: () => Promise<void> = async () => {};
  afterEach(() => close());

  async function setUp(env: Record<string, string> = { METRICS_TOKEN: TOKEN }) {
    const config = loadConfig({ ...ENV, ...env });
    const clock = new ManualClock();
    const raw = await factory.create(config, clock.now);
    const metrics = new PrometheusMetrics();
    const store = observeStore(raw, metrics);
    const hub = new PollHub(store, { onEnd: (end) => metrics.pollEnded(end) });
    const app = createApp({ config, store, hub, metrics, now: clock.now });
    close = async () => {
      hub.shutdown();
      await store.close();
    };
    const api = request(app.callback());
    const scrape = async () => {
      const res = await api.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.headers['cache-control']).toBe('no-store');
      return { text: res.text, value: (key: string) => samples(res.text).get(key) };
    };
    const untilHeld = (count: number) => until(() => hub.size >= count, `${count} held poll(s)`);
    return { api, hub, metrics, store, scrape, untilHeld };
  }

  it('does not exist without METRICS_TOKEN', async () => {
    const { api } = await setUp({});
    const res = await api.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    expect(res.text).not.toContain('phantachat_');
  });

  it('answers 401 with WWW-Authenticate to a missing, wrong or differently long token, and 405 to POST', async () => {
    const { api } = await setUp();
    for (const header of [undefined, `Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}${TOKEN}`, `Basic ${TOKEN}`, 'Bearer']) {
      const call = api.get('/metrics');
      const res = await (header === undefined ? call : call.set('Authorization', header)).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body).toEqual({ error: expect.stringMatching(/METRICS_TOKEN/) });
      expect(res.text).not.toContain('phantachat_');
    }
    const res = await api.post('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('moves with a chat, and no label holds a room id, name, token or text', async () => {
    const { api, hub, scrape, untilHeld } = await setUp();
    const before = await scrape();
    expect(before.value('phantachat_rooms')).toBe(0);
    expect(before.value('phantachat_keystrokes_total')).toBe(0);
    for (const end of ['events', 'timeout', 'aborted', 'replaced', 'shutdown']) expect(before.value(`phantachat_poll_answers_total{end="${end}"}`)).toBe(0);

    const { body: created } = await api.post('/rooms').send({ capacity: 2 }).expect(201);
    const room = created.room as string;
    const ann = (await api.post(`/rooms/${room}/join`).send({ name: 'Annabelle-Q' }).expect(201)).body;
    const bob = (await api.post(`/rooms/${room}/join`).send({ name: 'Bartholomew-Z' }).expect(201)).body;
    const { body: read } = await api.get(`/rooms/${room}/poll?wait=0`).set(...bearer(bob.token)).expect(200);

    // Bob's poll is held, then replaced by his next one, which Ann's keystrokes answer.
    const first = api.get(`/rooms/${room}/poll?cursor=${read.cursor}`).set(...bearer(bob.token)).then((res) => res);
    await untilHeld(1);
    const during = await scrape();
    expect(during.value('phantachat_held_polls')).toBe(1);
    expect(during.value('phantachat_rooms')).toBe(1);
    expect(during.value('phantachat_seated_participants')).toBe(2);
    const second = api.get(`/rooms/${room}/poll?cursor=${read.cursor}`).set(...bearer(bob.token)).then((res) => res);
    expect((await first).body.events).toEqual([]);
    await untilHeld(1);
    const secret = 'zebra🙂';
    await api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: secret, seq: 1 }).expect(200);
    expect((await second).body.events.map((e: { text?: string }) => e.text)).toContain(secret);

    // One poll held at shutdown.
    const last = api.get(`/rooms/${room}/poll?cursor=${read.cursor}&wait=0`).set(...bearer(ann.token)).then((res) => res);
    await last;
    const held = api.get(`/rooms/${room}/poll?cursor=${(await second).body.cursor}`).set(...bearer(bob.token)).then((res) => res);
    await untilHeld(1);
    hub.shutdown();
    await held;

    const after = await scrape();
    expect(after.value('phantachat_keystrokes_total')).toBe(6); // the emoji is one keystroke
    expect(after.value('phantachat_sends_total')).toBe(1);
    expect(after.value('phantachat_held_polls')).toBe(0);
    expect(after.value('phantachat_poll_answers_total{end="replaced"}')).toBe(1);
    expect(after.value('phantachat_poll_answers_total{end="events"}')).toBeGreaterThanOrEqual(2);
    expect(after.value('phantachat_poll_answers_total{end="shutdown"}')).toBe(1);
    expect(after.value('phantachat_http_request_duration_seconds_count{method="POST",route="/rooms/:room/join",status_class="2xx"}')).toBe(2);
    expect(after.value('phantachat_http_request_duration_seconds_count{method="POST",route="/rooms",status_class="2xx"}')).toBe(1);
    // Poll and send pass the same Koa pipeline, so they are timed like every other route.
    expect(after.value('phantachat_http_request_duration_seconds_count{method="POST",route="/rooms/:room/send",status_class="2xx"}')).toBe(1);
    expect(after.value('phantachat_http_request_duration_seconds_count{method="GET",route="/rooms/:room/poll",status_class="2xx"}')).toBeGreaterThanOrEqual(3);
    expect(after.value('phantachat_store_errors_total{operation="send"}') ?? 0).toBe(0);

    for (const needle of [room, ann.token, bob.token, ann.participant, 'Annabelle', 'Bartholomew', 'zebra']) expect(after.text).not.toContain(needle);
    for (const value of labelValues(after.text)) expect(value).toMatch(/^(\/[a-z:/]*|unmatched|[0-9.+Inf]+|[1-5]xx|[A-Z]+|other|[a-zA-Z]+)$/);
  });

  it('labels a request to no route "unmatched" and an invented method "other"', async () => {
    const { api, scrape } = await setUp();
    await api.get('/no/such/place/abc123').expect(404);
    await api.propfind('/rooms').expect((res) => expect(res.status).toBeLessThan(500));
    const text = (await scrape()).text;
    expect(text).toContain('route="unmatched",status_class="4xx"');
    expect(text).toContain('method="other"');
    expect(text).not.toContain('PROPFIND');
    expect(text).not.toContain('abc123');
  });
});

describe('observeStore', () => {
  it('counts failures of the backend by operation, never the client\'s own errors', async () => {
    const metrics = new PrometheusMetrics();
    const failing = (code: 'unavailable' | 'bad-token') => ({ send: () => Promise.reject(new RoomError(code)) }) as unknown as RoomStore;
    await expect(observeStore(failing('bad-token'), metrics).send('r', 't', 'x')).rejects.toThrow(RoomError);
    await expect(observeStore(failing('unavailable'), metrics).send('r', 't', 'x')).rejects.toThrow(RoomError);
    await expect(observeStore(failing('unavailable'), metrics).send('r', 't', 'x')).rejects.toThrow(RoomError);
    const text = (await metrics.scrape()).text;
    expect(samples(text).get('phantachat_store_errors_total{operation="send"}')).toBe(2);
    expect(samples(text).get('phantachat_sends_total')).toBe(0);
  });

  it('wraps every RoomStore method and nothing else', () => {
    const wrapper = Object.getPrototypeOf(observeStore({} as RoomStore, new PrometheusMetrics())) as object;
    const methods = Object.getOwnPropertyNames(wrapper).filter((name) => name !== 'constructor' && name !== 'watch');
    expect(methods.sort()).toEqual(Object.keys(STORE_OPERATIONS).sort());
  });

  it.each(Object.entries(STORE_OPERATIONS))('passes %s through to the store with its arguments, counting a failure when %s', async (method, treatment) => {
    const metrics = new PrometheusMetrics();
    const calls: Array<{ method: string | symbol; args: unknown[] }> = [];
    const answer = { answered: method };
    // Every method of this store records its call; watched ones fail as a broken backend would.
    const inner = new Proxy({} as RoomStore, {
      get: (_target, name) => (...args: unknown[]) => {
        calls.push({ method: name, args });
        if (treatment === 'watched') return Promise.reject(new RoomError('unavailable'));
        return name === 'subscribe' ? answer : Promise.resolve(answer);
      },
    });
    const observed = observeStore(inner, metrics) as unknown as Record<string, (...args: unknown[]) => unknown>;
    const call = observed[method]!;
    const args = ['first', 'second', 'third', 'fourth', 'fifth'].slice(0, call.length);
    const result = call.apply(observed, args);
    if (treatment === 'watched') await expect(result).rejects.toThrow(RoomError);
    else expect(await result).toBe(answer);
    expect(calls).toEqual([{ method, args }]);
    const failures = samples((await metrics.scrape()).text).get(`phantachat_store_errors_total{operation="${method}"}`) ?? 0;
    expect(failures).toBe(treatment === 'watched' ? 1 : 0);
  });
});

describe.skipIf(redisUrl === undefined)('createStore with REDIS_URL and metrics on', () => {
  it('keeps every key under REDIS_PREFIX and times each Redis round trip', async () => {
    const prefix = `metrics-test-${Date.now()}:`;
    const config = loadConfig({ ...ENV, REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, REDIS_CLUSTER: String(redisCluster) });
    const metrics = new PrometheusMetrics();
    const store = await createStore(config, Date.now, undefined, metrics);
    try {
      expect(await store.createRoom('ABCDEFGHJKLMN', 2)).toBe(true);
      await store.join('ABCDEFGHJKLMN', 'Ann');
      expect(await store.counts()).toEqual({ rooms: 1, participants: 1 });
      const keys = (await dumpDatabase(redisUrl!)).map((line) => line.split(' => ')[0]!).filter((key) => key.includes('ABCDEFGHJKLMN'));
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(prefix)).toBe(true);
      const text = (await metrics.scrape()).text;
      expect(samples(text).get('phantachat_redis_round_trip_seconds_count')).toBeGreaterThanOrEqual(2);
    } finally {
      await store.close();
      await deleteKeys(redisUrl!, `${prefix}*`);
    }
  });
});
