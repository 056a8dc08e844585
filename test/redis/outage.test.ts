import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../support/stores.js';
import { freePort } from '../support/spawn-server.js';
import { eventually, startInstance, stopInstance, type Instance } from './instances.js';

/** A private redis-server, so stopping it never touches the shared one. */
class PrivateRedis {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(async () => {
      const { Redis } = await import('ioredis');
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
      } finally {
        probe.disconnect();
      }
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}

describe.skipIf(redisUrl === undefined)('Redis stopped mid-test', () => {
  let redis: PrivateRedis;
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    // A 20 s hold outlasts the test's timeout, so a poll that is held instead of refused at once
    // (or not woken) fails the test; the one poll that must time out asks for 1 s itself.
    const env = { POLL_HOLD_MS: '20000' };
    [a, b] = await Promise.all([startInstance(redis.url, env), startInstance(redis.url, env)]);
  });
  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await redis?.stop();
  });

  it('answers 503 with Retry-After while Redis is away, and serves again once it is back', async () => {
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const { cursor } = await b.api.poll(room, ann.token, ann.cursor, 0);
    const held = b.api.call('GET', `/rooms/${room}/poll?cursor=${cursor}&wait=1000`, { token: ann.token });
    await b.api.held(1, "Ann's poll to be held on B");
    await redis.stop();
    // The poll held on B is answered (empty, at its timeout), not failed.
    const answer = await held;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ events: [], cursor });
    for (const instance of [a, b]) {
      // Refused at once: the poll among them would otherwise be held past the test's timeout.
      const calls = [
        instance.api.call('POST', '/rooms', { body: {} }),
        instance.api.call('GET', `/rooms/${room}`),
        instance.api.call('POST', `/rooms/${room}/join`, { body: {} }),
        instance.api.call('POST', `/rooms/${room}/send`, { token: ann.token, body: { text: 'into the void' } }),
        instance.api.call('GET', `/rooms/${room}/poll?cursor=${cursor}`, { token: ann.token }),
        instance.api.call('POST', `/rooms/${room}/presence`, { token: ann.token, body: { state: 'away' } }),
        instance.api.call('POST', `/rooms/${room}/leave`, { token: ann.token }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.body).toEqual({ error: 'The room store is unavailable; try again shortly.' });
      }
      const health = await instance.api.call('GET', '/healthz');
      expect(health.status).toBe(503);
      expect(health.body.ok).toBe(false);
    }
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();

    await redis.start(); // empty: an unpersisted Redis comes back without the old rooms
    for (const instance of [a, b]) {
      await eventually(async () => expect((await instance.api.call('GET', '/healthz')).status).toBe(200), 5_000);
    }
    const fresh = await a.api.createRoom();
    const bob = await b.api.join(fresh, 'Bob');
    const cy = await a.api.join(fresh, 'Cy');
    const held2 = a.api.poll(fresh, bob.token, `${bob.cursor.split('.')[0]}.2`); // after both joins
    await a.api.held(1, "Bob's poll to be held on A");
    await b.api.send(fresh, cy.token, 'back again');
    expect((await held2).events.map((e) => e.text)).toEqual(['back again']);
    expect((await a.api.call('GET', `/rooms/${room}`)).status).toBe(404);
    expect(a.lines.join('\n')).toContain('"redis unavailable"');
    expect(a.lines.join('\n')).toContain('"redis ready"');
  });
});
