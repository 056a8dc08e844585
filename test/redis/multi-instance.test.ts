import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { redisUrl } from '../support/stores.js';
import { until } from '../support/until.js';
import { startInstances, stopInstances, type Api, type Instance } from './instances.js';

// A 20 s hold outlasts every test's 10 s timeout: a held poll that should be woken or replaced
// and is not fails its test rather than answering quietly at its timeout. A short idle time lets
// the test rooms leave the shared test database soon after.
const ENV = { POLL_HOLD_MS: '20000', PRESENCE_TIMEOUT_MS: '30000', ROOM_IDLE_MS: '5000' };

describe.skipIf(redisUrl === undefined)('two server processes sharing one Redis', () => {
  let a: Instance;
  let b: Instance;
  beforeAll(async () => void ([a, b] = (await startInstances(redisUrl!, 2, ENV)) as [Instance, Instance]));
  afterAll(() => stopInstances([a, b]));

  it('joins on A, polls on B, sends on A and receives on B', async () => {
    const room = await a.api.createRoom();
    const ann = await a.api.join(room, 'Ann');
    const bob = await b.api.join(room, 'Bob');
    const { cursor } = await b.api.poll(room, bob.token, bob.cursor, 0);
    const held = b.api.poll(room, bob.token, cursor); // nothing new: held on B
    await b.api.held(1, "Bob's poll to be held on B");
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
    const older = a.api.poll(room, ann.token, cursor);
    await a.api.held(1, "Ann's poll to be held on A");
    const newer = b.api.poll(room, ann.token, cursor);
    // Answered by the replacement: its 20 s hold would outlast the test's timeout.
    expect(await older).toEqual({ events: [], cursor });
    await b.api.held(1, "Ann's newer poll to be held on B");
    await a.api.send(room, bob.token, 'for the newer poll');
    expect((await newer).events.map((e) => e.text)).toEqual(['for the newer poll']);
  });
});

describe.skipIf(redisUrl === undefined)('an instance killed with SIGKILL while holding polls', () => {
  let a: Instance;
  let doomed: Instance;
  beforeAll(async () => void ([a, doomed] = (await startInstances(redisUrl!, 2, ENV)) as [Instance, Instance]));
  afterAll(() => stopInstances([a, doomed]));

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
    // Kill it while every reader, having read all of before-*, is held on it again (their
    // earlier polls were answered, so the three it holds are those that came after).
    const heldAgain = async (): Promise<boolean> => received.every((texts) => texts.includes('before-2')) && (await doomed.api.heldPolls()) === readers.length;
    await until(heldAgain, 'every reader to be held on the doomed instance');
    doomed.child.kill('SIGKILL');
    for (let i = 0; i < 5; i += 1) await a.api.send(room, dan.token, `after-${i}`);
    await Promise.all(loops);

    const expected = [0, 1, 2].map((i) => `before-${i}`).concat([0, 1, 2, 3, 4].map((i) => `after-${i}`));
    for (const texts of received) expect(texts).toEqual(expected);
    expect((await doomed.exited).signal).toBe('SIGKILL');
  });
});
