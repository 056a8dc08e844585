import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/core/api-client.js';
import { Session } from '../../client/core/session.js';
import { FakeIo, flush } from './fake-io.js';

const joined = (participant: string, token: string) => ({
  participant,
  token,
  name: 'Ann',
  cursor: 'e.1',
  ttlMs: 10_000,
  holdMs: 25_000,
  capacity: 2,
  participants: [{ id: participant, name: 'Ann' }],
});

describe('Session#join', () => {
  it.each([
    [404, 'vanished'],
    [409, 'full'],
    [400, 'invalid-name'],
  ])('maps HTTP %i to %s', async (status, kind) => {
    const io = new FakeIo();
    const session = new Session(new ApiClient(io), 'r');
    const outcome = session.join('Ann');
    await flush();
    io.only('/join').respond(status, { error: 'nope' });
    expect((await outcome).kind).toBe(kind);
  });

  it('posts the name and remembers the seat', async () => {
    const io = new FakeIo();
    const session = new Session(new ApiClient(io), 'r');
    const outcome = session.join('Ann');
    await flush();
    expect(io.only('/join').body).toEqual({ name: 'Ann', key: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    io.only('/join').respond(201, joined('p1', 't1'));
    expect((await outcome).kind).toBe('joined');
    expect(session.token()).toBe('t1');
    expect(session.isOwn('p1')).toBe(true);
  });

  it('tries a join again with the same key, so a lost answer never costs a second seat', async () => {
    const io = new FakeIo();
    const session = new Session(new ApiClient(io), 'r');
    const lost = session.join('Ann');
    await flush();
    const key = (io.only('/join').body as { key: string }).key;
    io.only('/join').respond(503, { error: 'lost' });
    expect((await lost).kind).toBe('failed');
    const again = session.join('Ann');
    await flush();
    expect((io.only('/join').body as { key: string }).key).toBe(key);
    io.only('/join').respond(201, joined('p1', 't1'));
    expect((await again).kind).toBe('joined');
  });
});

describe('Session#renew', () => {
  it('shares one join between concurrent callers and keeps every own id', async () => {
    const io = new FakeIo();
    const session = new Session(new ApiClient(io), 'r');
    const first = session.join('Ann');
    await flush();
    io.only('/join').respond(201, joined('p1', 't1'));
    await first;
    const a = session.renew();
    const b = session.renew();
    await flush();
    io.only('/join').respond(201, joined('p9', 't9'));
    expect(await Promise.all([a, b])).toEqual(['renewed', 'renewed']);
    expect(io.requests.filter((r) => r.url.endsWith('/join'))).toHaveLength(2);
    expect(session.token()).toBe('t9');
    expect(session.isOwn('p1') && session.isOwn('p9')).toBe(true);
  });
});
