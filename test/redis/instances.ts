import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChatEvent } from '../../server/protocol.js';
import { RedisKeys } from '../../server/store/redis/keys.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { keyHolders, redisClient, redisCluster } from '../support/stores.js';
import { until } from '../support/until.js';

// One key prefix per test file, shared by the instances it starts (they must see one another's
// rooms), so a developer's own server on the same database (prefix phc:) never sweeps them.
const TEST_PREFIX = `test:${randomBytes(6).toString('hex')}:`;

/** The names the instances of this test file give a room's keys and channel in Redis. */
export const testKeys = new RedisKeys(TEST_PREFIX);
// Lets the tests read each instance's held-polls gauge (GET /metrics).
const METRICS_TOKEN = 'redis-tests-metrics-token';
// A watched room's seats are read this often: far below any hold, and a few commands a second.
const WATCH_EVERY_MS = 20;

/** Settings every instance of one test shares (rooms are valid on all only with one ROOM_SALT). */
export function instanceEnv(redisUrl: string, env: Record<string, string> = {}): Record<string, string> {
  const cluster: Record<string, string> = redisCluster ? { REDIS_CLUSTER: 'true' } : {};
  return { REDIS_URL: redisUrl, ...cluster, REDIS_PREFIX: TEST_PREFIX, WEB_CONCURRENCY: '1', ROOM_SALT: 'redis-tests-salt', METRICS_TOKEN, ...env };
}

export interface Instance extends SpawnedServer {
  api: Api;
}

export async function startInstance(redisUrl: string, env: Record<string, string> = {}): Promise<Instance> {
  const server = await spawnServer(instanceEnv(redisUrl, env));
  return { ...server, api: new Api(server.url) };
}

/** `count` instances with the same settings, started at once. */
export function startInstances(redisUrl: string, count: number, env: Record<string, string> = {}): Promise<Instance[]> {
  return Promise.all(Array.from({ length: count }, () => startInstance(redisUrl, env)));
}

export async function stopInstances(instances: Array<Instance | undefined>): Promise<void> {
  await Promise.all(instances.map(stopInstance));
}

export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (instance === undefined || instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGKILL');
  await instance.exited;
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** A tiny client of protocol v1 over fetch, bound to one instance. */
export class Api {
  constructor(readonly base: string) {}

  async call(method: string, path: string, options: { token?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
  }

  /**
   * Polls this instance holds right now (its phantachat_held_polls gauge): each was opened, its
   * room subscribed, so only a wake-up, a newer poll or a shutdown answers it before its hold
   * runs out. Counted here, not in Redis, because a poll that carries its lease on opens nothing there.
   */
  async heldPolls(): Promise<number> {
    const res = await fetch(`${this.base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    const gauge = /^phantachat_held_polls (\d+)$/m.exec(await res.text());
    if (res.status !== 200 || gauge === null) throw new Error(`metrics: ${res.status}`);
    return Number(gauge[1]);
  }

  /** Resolves once this instance holds `count` polls; tests wait on it, never on a guessed sleep. */
  held(count: number, what: string): Promise<void> {
    return until(async () => (await this.heldPolls()) === count, what);
  }

  async createRoom(capacity = 2): Promise<string> {
    const res = await this.call('POST', '/rooms', { body: { capacity } });
    if (res.status !== 201) throw new Error(`create room: ${res.status}`);
    return res.body.room as string;
  }

  async join(room: string, name: string): Promise<{ token: string; cursor: string; participant: string }> {
    const res = await this.call('POST', `/rooms/${room}/join`, { body: { name } });
    if (res.status !== 201) throw new Error(`join: ${res.status}`);
    return res.body;
  }

  async send(room: string, token: string, text: string, seq?: number): Promise<string> {
    const res = await this.call('POST', `/rooms/${room}/send`, { token, body: seq === undefined ? { text } : { text, seq } });
    if (res.status !== 200) throw new Error(`send: ${res.status}`);
    return res.body.id as string;
  }

  async poll(room: string, token: string, cursor: string | undefined, waitMs?: number, signal?: AbortSignal): Promise<{ events: ChatEvent[]; cursor: string }> {
    const query = new URLSearchParams();
    if (cursor !== undefined) query.set('cursor', cursor);
    if (waitMs !== undefined) query.set('wait', String(waitMs));
    const res = await this.call('GET', `/rooms/${room}/poll?${query}`, { token, signal });
    if (res.status !== 200) throw new Error(`poll: ${res.status}`);
    return res.body;
  }
}

/**
 * Every key of the database (of every master, on a cluster) with everything it holds, whatever
 * its type, as one string per key: what an operator (or an attacker) with a Redis dump would see.
 */
export async function dumpDatabase(redisUrl: string): Promise<string[]> {
  const client = redisClient(redisUrl);
  try {
    await client.connect();
    const dump: string[] = [];
    for (const node of keyHolders(client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) dump.push(`${key} => ${JSON.stringify(await valueOf(node, key))}`);
      } while (cursor !== '0');
    }
    return dump;
  } finally {
    client.disconnect();
  }
}

async function valueOf(client: Redis, key: string): Promise<unknown> {
  switch (await client.type(key)) {
    case 'string':
      return client.get(key);
    case 'hash':
      return client.hgetall(key);
    case 'zset':
      return client.zrange(key, 0, -1, 'WITHSCORES');
    case 'set':
      return client.smembers(key);
    case 'list':
      return client.lrange(key, 0, -1);
    case 'stream':
      return client.xrange(key, '-', '+');
    default:
      return null; // expired between SCAN and TYPE
  }
}

/** Retries `check` every 50 ms until it stops throwing or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface PollWatch {
  /** How many polls `participant` has opened since the watch began, on any instance. */
  opened(participant: string): number;
  /** Resolves once `participant` has opened `count` polls since the watch began. */
  held(participant: string, count?: number): Promise<void>;
  close(): void;
}

/**
 * Watches a room's seats in Redis (docs/redis.md): the openPoll script counts each lease a
 * participant opens in its seat's counter (`c`), after its read, with the instance already
 * subscribed to the room; so once the count moved, the poll is held: only a wake-up, a newer
 * poll or a shutdown answers it before its hold runs out. Only polls that open in Redis count:
 * a participant's first, say; one that carries its lease on (the one before it just ended on
 * the same instance) opens nothing there, and Api.held sees it instead. The seats are read
 * every WATCH_EVERY_MS; tests wait on the count, never on a guessed sleep.
 */
export async function watchPolls(redisUrl: string, room: string): Promise<PollWatch> {
  const client = redisClient(redisUrl);
  await client.connect();
  const seats = testKeys.seats(room);
  const read = async (): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const [participant, seat] of Object.entries(await client.hgetall(seats))) counts.set(participant, (JSON.parse(seat) as { c: number }).c);
    return counts;
  };
  const baseline = await read();
  let latest = baseline;
  let open = true;
  void (async () => {
    while (open) {
      latest = await read().catch(() => latest);
      await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
    }
  })();
  const opened = (participant: string): number => (latest.get(participant) ?? 0) - (baseline.get(participant) ?? 0);
  return {
    opened,
    held: (participant, count = 1) => until(() => opened(participant) >= count, `${participant} to open ${count} poll(s)`),
    close: () => {
      open = false;
      client.disconnect();
    },
  };
}
