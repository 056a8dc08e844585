import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../server/protocol.js';
import { ApiClient } from '../../client/core/api-client.js';
import { Poller, type ConnectionState } from '../../client/core/poller.js';
import type { RenewOutcome, TokenSource } from '../../client/core/session.js';
import { FakeIo, flush } from './fake-io.js';

function event(id: string, text: string): ChatEvent {
  return { id, type: 'text', from: 'p2', name: 'Bo', text, at: 0, expiresAt: 2_000_000 };
}

function setup(renewOutcome: RenewOutcome = 'renewed') {
  const io = new FakeIo();
  let token = 't1';
  let renewals = 0;
  const seat: TokenSource = {
    token: () => token,
    renew: () => {
      renewals += 1;
      if (renewOutcome === 'renewed') token = 't2';
      return Promise.resolve(renewOutcome);
    },
  };
  const batches: { ids: string[]; reset: boolean }[] = [];
  const connection: ConnectionState[] = [];
  const ends: string[] = [];
  const poller = new Poller({
    io,
    api: new ApiClient(io),
    seat,
    room: 'r',
    cursor: 'e.3',
    holdMs: 25_000,
    onEvents: (events, reset) => batches.push({ ids: events.map((e) => e.id), reset }),
    onConnection: (state) => connection.push(state),
    onEnd: (reason) => ends.push(reason),
  });
  return { io, poller, batches, connection, ends, renewals: () => renewals };
}

describe('Poller#start', () => {
  it('polls from the join cursor and continues from each answer', async () => {
    const { io, poller, batches } = setup();
    poller.start();
    await flush();
    const first = io.only('/poll');
    expect(first.url).toBe('/rooms/r/poll?wait=25000&cursor=e.3');
    expect(first.headers.authorization).toBe('Bearer t1');
    first.respond(200, { events: [event('e.4', 'a'), event('e.5', 'b')], cursor: 'e.5' });
    await flush();
    expect(io.only('/poll').url).toContain('cursor=e.5');
    expect(batches).toEqual([{ ids: ['e.4', 'e.5'], reset: false }]);
  });

  it('does not report empty answers but keeps polling', async () => {
    const { io, poller, batches } = setup();
    poller.start();
    await flush();
    io.only('/poll').respond(200, { events: [], cursor: 'e.3' });
    await flush();
    expect(io.only('/poll').url).toContain('cursor=e.3');
    expect(batches).toEqual([]);
  });

  it('continues from the new cursor after reset: true', async () => {
    const { io, poller, batches } = setup();
    poller.start();
    await flush();
    io.only('/poll').respond(200, { events: [event('f.1', 'x')], cursor: 'f.1', reset: true });
    await flush();
    expect(batches).toEqual([{ ids: ['f.1'], reset: true }]);
    expect(io.only('/poll').url).toContain('cursor=f.1');
  });

  it('backs off with jitter on network errors and 5xx, says reconnecting, then recovers', async () => {
    const { io, poller, connection } = setup();
    io.randomValue = 1;
    poller.start();
    await flush();
    io.only('/poll').fail();
    await flush();
    expect(connection).toEqual(['reconnecting']);
    expect(poller.state).toBe('backoff');
    await io.advance(249);
    expect(io.open('/poll')).toHaveLength(0);
    await io.advance(1);
    io.only('/poll').respond(502, undefined);
    await io.advance(499);
    expect(io.open('/poll')).toHaveLength(0);
    await io.advance(1);
    expect(io.only('/poll').url).toContain('cursor=e.3');
    io.only('/poll').respond(200, { events: [], cursor: 'e.3' });
    await flush();
    expect(connection).toEqual(['reconnecting', 'connected']);
  });

  it('never waits more than 5 s between attempts however long the outage', async () => {
    const { io, poller } = setup();
    io.randomValue = 0.999_999;
    poller.start();
    await flush();
    for (let i = 0; i < 12; i += 1) {
      io.only('/poll').fail();
      await io.advance(5000);
    }
    expect(io.open('/poll')).toHaveLength(1);
  });

  it('abandons a poll a proxy never answers and polls again', async () => {
    const { io, poller } = setup();
    poller.start();
    await flush();
    const stuck = io.only('/poll');
    await io.advance(35_000);
    expect(stuck.settled).toBe(true);
    await io.advance(5000);
    expect(io.open('/poll')).toHaveLength(1);
  });

  it('rejoins on 401 and polls on with the new token and the same cursor', async () => {
    const { io, poller, renewals } = setup();
    poller.start();
    await flush();
    io.only('/poll').respond(401, { error: 'unknown token' });
    await flush();
    expect(renewals()).toBe(1);
    const next = io.only('/poll');
    expect(next.headers.authorization).toBe('Bearer t2');
    expect(next.url).toContain('cursor=e.3');
  });

  it('stops with "full" when the seat was taken while away', async () => {
    const { io, poller, ends } = setup('full');
    poller.start();
    await flush();
    io.only('/poll').respond(401, { error: 'unknown token' });
    await flush();
    expect(ends).toEqual(['full']);
    expect(poller.state).toBe('stopped');
    expect(io.open('/poll')).toHaveLength(0);
  });

  it('stops with "vanished" on 404', async () => {
    const { io, poller, ends } = setup();
    poller.start();
    await flush();
    io.only('/poll').respond(404, { error: 'no such room' });
    await flush();
    expect(ends).toEqual(['vanished']);
    expect(io.pendingTimers).toBe(0);
  });
});

describe('Poller#stop', () => {
  it('aborts the held poll and starts no other', async () => {
    const { io, poller, batches } = setup();
    poller.start();
    await flush();
    const held = io.only('/poll');
    poller.stop();
    await flush();
    expect(held.settled).toBe(true);
    await io.advance(60_000);
    expect(io.open('/poll')).toHaveLength(0);
    expect(batches).toEqual([]);
    expect(io.pendingTimers).toBe(0);
  });

  it('cancels a backoff in progress', async () => {
    const { io, poller } = setup();
    poller.start();
    await flush();
    io.only('/poll').fail();
    await flush();
    poller.stop();
    await io.advance(60_000);
    expect(io.requests.filter((r) => r.url.includes('/poll'))).toHaveLength(1);
  });

  it('ignores an answer that lands after stop', async () => {
    const { io, poller, batches } = setup();
    poller.start();
    await flush();
    const held = io.only('/poll');
    // Answer first, stop before the answer is read: the loop must drop it.
    held.respond(200, { events: [event('e.4', 'late')], cursor: 'e.4' });
    poller.stop();
    await flush();
    expect(batches).toEqual([]);
  });
});
