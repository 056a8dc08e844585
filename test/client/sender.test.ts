import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/core/api-client.js';
import { Sender, STALE_TEXT_MS } from '../../client/core/sender.js';
import { GAP_MAX_MS } from '../../server/protocol.js';
import type { RenewOutcome, TokenSource } from '../../client/core/session.js';
import { FakeIo, flush } from './fake-io.js';

// Infinity: most cases test retrying, which must not be cut short by dropping stale text.
function setup(renew: () => Promise<RenewOutcome> = () => Promise.resolve('renewed'), staleTextMs = Infinity) {
  const io = new FakeIo();
  let token = 't1';
  const ends: string[] = [];
  const seat: TokenSource = {
    token: () => token,
    renew: async () => {
      const outcome = await renew();
      if (outcome === 'renewed') token = 't2';
      return outcome;
    },
  };
  const stale: number[] = [];
  const backlog: boolean[] = [];
  const refused: number[] = [];
  const sender = new Sender({
    io,
    api: new ApiClient(io),
    seat,
    room: 'r',
    onEnd: (reason) => ends.push(reason),
    onStale: (chars) => stale.push(chars),
    onRefused: (chars) => refused.push(chars),
    onBacklog: (stalled) => backlog.push(stalled),
    staleTextMs,
  });
  return { io, sender, ends, stale, backlog, refused };
}

describe('Sender#push', () => {
  it('sends the first character at once with seq 1', async () => {
    const { io, sender } = setup();
    sender.push('h');
    await flush();
    const send = io.only('/send');
    expect(send.body).toMatchObject({ text: 'h', seq: 1, gaps: [0] });
    expect(send.headers.authorization).toBe('Bearer t1');
  });

  it('sends each batch\'s cadence: ms between its characters, the first counted from the batch before', async () => {
    const { io, sender } = setup();
    sender.push('h');
    await flush();
    await io.advance(100);
    sender.push('e');
    await io.advance(50);
    sender.push('😀');
    await io.advance(30);
    // A paste: both characters typed at one moment.
    sender.push('lo');
    io.only('/send').respond(200, { id: 'x.1' });
    await flush();
    expect(io.only('/send').body).toEqual({ text: 'e😀lo', seq: 2, gaps: [100, 50, 30, 0] });
  });

  it('sends a pause longer than GAP_MAX_MS as GAP_MAX_MS', async () => {
    const { io, sender } = setup();
    sender.push('a');
    await flush();
    io.only('/send').respond(200, { id: 'x.1' });
    await io.advance(GAP_MAX_MS * 3);
    sender.push('b');
    await flush();
    expect(io.only('/send').body).toEqual({ text: 'b', seq: 2, gaps: [GAP_MAX_MS] });
  });

  it('keeps one send in flight and batches what is typed meanwhile', async () => {
    const { io, sender } = setup();
    sender.push('h');
    await flush();
    sender.push('e');
    sender.push('l');
    sender.push('lo');
    await flush();
    expect(io.open('/send')).toHaveLength(1);
    io.only('/send').respond(200, { id: 'x.1' });
    await flush();
    expect(io.only('/send').body).toMatchObject({ text: 'ello', seq: 2 });
  });

  it('retries a failed batch with the same seq and text, plus nothing new', async () => {
    const { io, sender } = setup();
    sender.push('ab');
    await flush();
    io.only('/send').fail();
    await flush();
    sender.push('c');
    expect(sender.state).toBe('backoff');
    await io.advance(5000);
    expect(io.only('/send').body).toMatchObject({ text: 'ab', seq: 1 });
    io.only('/send').respond(503, { error: 'busy' });
    await io.advance(5000);
    expect(io.only('/send').body).toMatchObject({ text: 'ab', seq: 1 });
    io.only('/send').respond(200, { id: 'x.1' });
    await flush();
    expect(io.only('/send').body).toMatchObject({ text: 'c', seq: 2 });
    io.only('/send').respond(200, { id: 'x.2' });
    await flush();
    expect(sender.state).toBe('idle');
    const texts = io.requests.filter((r) => r.url.endsWith('/send')).map((r) => r.body);
    expect(texts).toEqual([
      { text: 'ab', seq: 1, gaps: [0, 0] },
      { text: 'ab', seq: 1, gaps: [0, 0] },
      { text: 'ab', seq: 1, gaps: [0, 0] },
      { text: 'c', seq: 2, gaps: [0] },
    ]);
  });

  it('backs off with growing, jittered delays capped near 5 s', async () => {
    const { io, sender } = setup();
    io.randomValue = 0;
    sender.push('a');
    await flush();
    const gaps: number[] = [];
    let last = io.nowMs;
    for (let i = 0; i < 8; i += 1) {
      io.only('/send').fail();
      await flush();
      while (io.open('/send').length === 0) await io.advance(1);
      gaps.push(io.nowMs - last);
      last = io.nowMs;
    }
    expect(gaps).toEqual([125, 250, 500, 1000, 2000, 2500, 2500, 2500]);
    io.randomValue = 0.999;
    io.only('/send').fail();
    await flush();
    await io.advance(4990);
    expect(io.open('/send')).toHaveLength(0);
    await io.advance(10);
    expect(io.open('/send')).toHaveLength(1);
  });

  it('rejoins after 401 and resends the same batch with the new token', async () => {
    const { io, sender } = setup();
    sender.push('hi');
    await flush();
    io.only('/send').respond(401, { error: 'who are you' });
    await flush();
    const retry = io.only('/send');
    expect(retry.headers.authorization).toBe('Bearer t2');
    expect(retry.body).toMatchObject({ text: 'hi', seq: 1 });
  });

  it('stops and reports when the room vanished', async () => {
    const { io, sender, ends } = setup();
    sender.push('hi');
    await flush();
    io.only('/send').respond(404, { error: 'gone' });
    await flush();
    expect(ends).toEqual(['vanished']);
    sender.push('more');
    await flush();
    expect(io.open('/send')).toHaveLength(0);
  });

  it('drops a batch the server can never accept and sends the next', async () => {
    const { io, sender, refused } = setup();
    sender.push('abc');
    await flush();
    sender.push('d');
    io.only('/send').respond(400, { error: 'bad' });
    await flush();
    // The display is told how much was lost, so the typist is not left thinking it arrived.
    expect(refused).toEqual([3]);
    expect(io.only('/send').body).toMatchObject({ text: 'd', seq: 2 });
  });

  it('splits a long paste into 1000-character sends without halving an emoji', async () => {
    const { io, sender } = setup();
    sender.push('a'.repeat(999) + '😀' + 'b');
    await flush();
    expect((io.only('/send').body as { text: string }).text).toBe('a'.repeat(999));
    io.only('/send').respond(200, { id: 'x' });
    await flush();
    expect(io.only('/send').body).toMatchObject({ text: '😀b', seq: 2 });
  });

  it('releases its backoff timer when stopped', async () => {
    const { io, sender } = setup();
    sender.push('a');
    await flush();
    io.only('/send').fail();
    await flush();
    expect(io.pendingTimers).toBe(1);
    sender.stop();
    await flush();
    expect(io.pendingTimers).toBe(0);
    expect(sender.state).toBe('stopped');
  });
});

describe('Sender after an outage', () => {
  it(`drops text typed more than ${STALE_TEXT_MS} ms ago, says how much, and sends what is fresh`, async () => {
    const { io, sender, stale } = setup(undefined, STALE_TEXT_MS);
    const started = io.nowMs;
    sender.push('old😀');
    await flush();
    const failUntil = async (done: () => boolean) => {
      while (!done()) {
        for (const send of io.open('/send')) send.fail();
        await io.advance(100);
      }
    };
    await failUntil(() => io.nowMs >= started + STALE_TEXT_MS - 2000);
    sender.push('new');
    await failUntil(() => stale.length > 0);
    expect(stale).toEqual([4]);
    while (io.open('/send').length === 0) await io.advance(100);
    expect(io.only('/send').body).toMatchObject({ text: 'new', seq: 2 });
  });

  it('drops a batch whose every character is stale and clears the backlog', async () => {
    const { io, sender, stale, backlog } = setup(undefined, STALE_TEXT_MS);
    sender.push('gone');
    await flush();
    io.only('/send').fail();
    await io.advance(STALE_TEXT_MS + 6000);
    for (const send of io.open('/send')) send.fail();
    await io.advance(6000);
    expect(stale).toEqual([4]);
    expect(io.open('/send')).toHaveLength(0);
    expect(backlog.at(-1)).toBe(false);
    expect(sender.state).toBe('idle');
  });

  it('keeps text that waited less than STALE_TEXT_MS', async () => {
    const { io, sender, stale } = setup(undefined, STALE_TEXT_MS);
    sender.push('blip');
    await flush();
    io.only('/send').fail();
    await io.advance(1000);
    expect(io.only('/send').body).toMatchObject({ text: 'blip', seq: 1 });
    expect(stale).toEqual([]);
  });
});
