import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { redisUrl } from '../support/stores.js';
import { startInstance, stopInstance, type Api, type Instance } from './instances.js';

// 3 s hold keeps the held-poll paths exercised while every test stays well inside its timeout;
// a short idle time lets the test rooms leave the shared test database soon after.
const ENV = { POLL_HOLD_MS: '3000', PRESENCE_TIMEOUT_MS: '20000', ROOM_IDLE_MS: '5000' };

describe.skipIf(redisUrl === undefined)('two server processes sharing one Redis', () => {
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance(redisUrl!, ENV), startInstance(redisUrl!, ENV)]);
  });
  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
  });

  it('joins on A, polls on B, sends on A and receives on B', async () => {
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const bob = await b.api.join(room, 'Bob');
    const { cursor } = await b.api.poll(room, bob.token, bob.cursor, 0);
    const held = b.api.poll(room, bob.token, cursor); // nothing new: held on B
    await new Promise((resolve) => setTimeout(resolve, 100));
    const id = await a.api.send(room, ann.token, 'hello from A');
    const { events } = await held;
    expect(events.map((e) => [e.id, e.type, e.name, e.text])).toEqual([[id, 'text', 'Ann', 'hello from A']]);
    const info = await b.api.call('GET', `/rooms/${room}`, { token: bob.token });
    expect(info.body.participants.map((p: { name: string }) => p.name)).toEqual(['Ann', 'Bob']);
  });

  it('delivers every event exactly once, in order, to participants alternating instances on every request', async () => {
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const bob = await b.api.join(room, 'Bob');
    const count = 60;
    const texts = Array.from({ length: count }, (_, i) => `${i % 2 === 0 ? 'ann' : 'bob'}-${i}`);
    const instances = [a.api, b.api];
    // Both type at once, each send on the other instance than the last.
    const typing = (token: string, mine: string[]) =>
      (async () => {
        for (const [i, text] of mine.entries()) await instances[i % 2]!.send(room, token, text, i);
      })();
    const reading = (token: string, from: string) =>
      (async () => {
        const seen: ChatEvent[] = [];
        let cursor = from;
        for (let i = 0; seen.filter((e) => e.type === 'text').length < count; i += 1) {
          const answer = await instances[i % 2]!.poll(room, token, cursor, 1_000);
          seen.push(...answer.events);
          cursor = answer.cursor;
        }
        return seen;
      })();
    const annSees = reading(ann.token, ann.cursor);
    const bobSees = reading(bob.token, bob.cursor);
    await Promise.all([
      typing(ann.token, texts.filter((t) => t.startsWith('ann'))),
      typing(bob.token, texts.filter((t) => t.startsWith('bob'))),
    ]);
    const [annEvents, bobEvents] = await Promise.all([annSees, bobSees]);

    for (const events of [annEvents, bobEvents]) {
      const seqs = events.map((e) => Number(e.id.split('.')[1]));
      // Exactly once, in order: seqs strictly increase with no gap after the first one seen.
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
      const sent = events.filter((e) => e.type === 'text').map((e) => e.text);
      expect(new Set(sent).size).toBe(count);
      expect(sent.filter((t) => t!.startsWith('ann'))).toEqual(texts.filter((t) => t.startsWith('ann')));
      expect(sent.filter((t) => t!.startsWith('bob'))).toEqual(texts.filter((t) => t.startsWith('bob')));
    }
    // Both saw one total order.
    expect(bobEvents.filter((e) => e.type === 'text').map((e) => e.id)).toEqual(annEvents.filter((e) => e.type === 'text').map((e) => e.id));
  });

  it('answers a seq retry on the other instance with the first id and no new event', async () => {
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const first = await a.api.send(room, ann.token, 'once', 7);
    expect(await b.api.send(room, ann.token, 'once', 7)).toBe(first);
    const { events } = await b.api.poll(room, ann.token, ann.cursor, 0);
    expect(events.filter((e) => e.type === 'text')).toHaveLength(1);
  });

  it('replaces a participant\'s held poll on A when it polls again on B', async () => {
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const bob = await b.api.join(room, 'Bob');
    const { cursor } = await a.api.poll(room, ann.token, ann.cursor, 0);
    const started = Date.now();
    const older = a.api.poll(room, ann.token, cursor);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const newer = b.api.poll(room, ann.token, cursor);
    expect(await older).toEqual({ events: [], cursor });
    expect(Date.now() - started).toBeLessThan(2_000); // not the 3 s hold
    await a.api.send(room, bob.token, 'for the newer poll');
    expect((await newer).events.map((e) => e.text)).toEqual(['for the newer poll']);
  });
});

describe.skipIf(redisUrl === undefined)('an instance killed with SIGKILL while holding polls', () => {
  let a: Instance;
  let doomed: Instance;
  beforeAll(async () => {
    [a, doomed] = await Promise.all([startInstance(redisUrl!, ENV), startInstance(redisUrl!, ENV)]);
  });
  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(doomed)]);
  });

  it('loses nothing live: its clients re-poll the other instance with their cursors', async () => {
    const room = await a.api.createRoom(4);
    const readers = await Promise.all(['Ann', 'Bob', 'Cy'].map((name) => doomed.api.join(room, name)));
    const dan = await a.api.join(room, 'Dan');
    const received = readers.map(() => [] as string[]);
    const cursors = readers.map((reader) => reader.cursor);
    let target: Api = doomed.api;

    // Each reader polls in a loop; a poll that fails (its instance died) is sent again to A, same cursor.
    const loops = readers.map((reader, r) =>
      (async () => {
        while (!received[r]!.includes('after-4')) {
          try {
            const answer = await target.poll(room, reader.token, cursors[r]);
            for (const event of answer.events) if (event.type === 'text') received[r]!.push(event.text!);
            cursors[r] = answer.cursor;
          } catch {
            target = a.api;
          }
        }
      })(),
    );
    for (let i = 0; i < 3; i += 1) await a.api.send(room, dan.token, `before-${i}`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // readers are held on the doomed instance again
    doomed.child.kill('SIGKILL');
    for (let i = 0; i < 5; i += 1) await a.api.send(room, dan.token, `after-${i}`);
    await Promise.all(loops);

    const expected = [0, 1, 2].map((i) => `before-${i}`).concat([0, 1, 2, 3, 4].map((i) => `after-${i}`));
    for (const texts of received) expect(texts).toEqual(expected);
    expect((await doomed.exited).signal).toBe('SIGKILL');
  });
});
