import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, GAP_MAX_MS, type JoinResponse } from '../../server/protocol.js';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('POST /rooms/:room/send ($name store)', (factory) => {
  let h: Harness;
  let room: string;
  let ann: JoinResponse;
  const texts = async (): Promise<string[]> => {
    const res = await h.api.get(`/rooms/${room}/poll`).query({ cursor: ann.cursor, wait: 0 }).set(...bearer(ann.token)).expect(200);
    return res.body.events.filter((e: { type: string }) => e.type === 'text').map((e: { text: string }) => e.text);
  };
  const send = () => h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token));

  beforeEach(async () => {
    h = await createHarness(factory);
    room = await h.createRoom();
    ann = await h.join(room, 'Ann');
  });
  afterEach(() => h.close());

  it('appends a text event from JSON and answers its id', async () => {
    const res = await send().send({ text: 'hel' }).expect(200);
    expect(res.body).toEqual({ id: expect.any(String) });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const poll = await h.api.get(`/rooms/${room}/poll`).query({ cursor: ann.cursor }).set(...bearer(ann.token));
    expect(poll.body.events[1]).toEqual({
      id: res.body.id,
      type: 'text',
      from: ann.participant,
      name: 'Ann',
      text: 'hel',
      at: h.clock.now(),
      expiresAt: h.clock.now() + 10_000,
    });
  });

  it('carries the typing cadence (gaps) on the text event, and leaves it off when none was sent', async () => {
    await send().send({ text: 'h😀y', seq: 1, gaps: [0, 120, GAP_MAX_MS] }).expect(200);
    await send().send({ text: 'x', seq: 2 }).expect(200);
    const poll = await h.api.get(`/rooms/${room}/poll`).query({ cursor: ann.cursor, wait: 0 }).set(...bearer(ann.token)).expect(200);
    const [withGaps, without] = poll.body.events.filter((e: { type: string }) => e.type === 'text');
    expect(withGaps).toMatchObject({ text: 'h😀y', gaps: [0, 120, GAP_MAX_MS] });
    expect(without.text).toBe('x');
    expect(without).not.toHaveProperty('gaps');
  });

  it('takes the raw text of a text/plain body, spaces and newlines kept', async () => {
    await send().set('Content-Type', 'text/plain').send(' two\nlines ').expect(200);
    expect(await texts()).toEqual([' two\nlines ']);
  });

  it('treats a seq not greater than the last accepted one as a retry: same id, no new event', async () => {
    const first = await send().send({ text: 'a', seq: 1 }).expect(200);
    const retry = await send().send({ text: 'a', seq: 1 }).expect(200);
    expect(retry.body.id).toBe(first.body.id);
    await send().send({ text: 'b', seq: 2 }).expect(200);
    await send().send({ text: 'a', seq: 0 }).expect(200);
    expect(await texts()).toEqual(['a', 'b']);
  });

  it('accepts 1000 characters, counting astral characters as one', async () => {
    await send().send({ text: '😀'.repeat(1000) }).expect(200);
    await send().send({ text: 'x'.repeat(1000) }).expect(200);
    expect(await texts()).toHaveLength(2);
  });

  it.each([
    ['empty text', { text: '' }, /"text"/],
    ['1001 characters', { text: 'x'.repeat(1001) }, /"text"/],
    ['a control character', { text: 'a\u0000b' }, /"text"/],
    ['a lone surrogate', { text: 'a\ud800' }, /"text"/],
    ['text of the wrong type', { text: 5 }, /"text"/],
    ['no text', {}, /"text"/],
    ['a negative seq', { text: 'a', seq: -1 }, /"seq"/],
    ['a fractional seq', { text: 'a', seq: 1.5 }, /"seq"/],
    ['a string seq', { text: 'a', seq: '1' }, /"seq"/],
    ['gaps that are not a list', { text: 'ab', gaps: '0,5' }, /"gaps"/],
    ['fewer gaps than characters', { text: 'abc', gaps: [0, 5] }, /"gaps"/],
    ['more gaps than characters (an astral character is one)', { text: '😀', gaps: [0, 5] }, /"gaps"/],
    ['a negative gap', { text: 'ab', gaps: [0, -1] }, /"gaps"/],
    ['a fractional gap', { text: 'ab', gaps: [0, 1.5] }, /"gaps"/],
    ['a gap over GAP_MAX_MS', { text: 'ab', gaps: [0, GAP_MAX_MS + 1] }, /"gaps"/],
  ])('answers 400 for %s and appends nothing', async (_, body, message) => {
    const res = await send().send(body).expect(400);
    expect(res.body.error).toMatch(message);
    expect(await texts()).toEqual([]);
  });

  it('answers 400 for malformed JSON without quoting it', async () => {
    const res = await send().set('Content-Type', 'application/json').send('{"text": "secret').expect(400);
    expect(res.body).toEqual({ error: 'The request body is not valid JSON.' });
  });

  it('answers 400 for an empty body', async () => {
    await send().set('Content-Type', 'text/plain').send('').expect(400);
    await send().expect(400);
  });

  it('answers 413 for a body over BODY_LIMIT_BYTES', async () => {
    const res = await send().set('Content-Type', 'text/plain').send('x'.repeat(BODY_LIMIT_BYTES + 1)).expect(413);
    expect(res.body.error).toBe(`The request body is larger than ${BODY_LIMIT_BYTES} bytes.`);
  });

  it('answers 413 for a chunked body that grows past BODY_LIMIT_BYTES', async () => {
    const req = send().set('Content-Type', 'text/plain').set('Transfer-Encoding', 'chunked');
    req.write('x'.repeat(BODY_LIMIT_BYTES / 2));
    req.write('x'.repeat(BODY_LIMIT_BYTES / 2 + 1));
    const res = await req;
    expect(res.status).toBe(413);
    expect(await texts()).toEqual([]);
  });

  it('answers 415 for a charset other than UTF-8, which would be read as UTF-8 and mangled', async () => {
    const res = await send().set('Content-Type', 'text/plain; charset=latin1').send(Buffer.from('caf\xe9', 'latin1')).expect(415);
    expect(res.body).toEqual({ error: 'The request body must be UTF-8.' });
    await send().set('Content-Type', 'text/plain; charset=UTF-8').send('ok').expect(200);
    await send().set('Content-Type', 'application/json; charset="utf-8"').send('{"text":"ok"}').expect(200);
  });

  it('answers 405 with Allow for another method on the send and poll paths', async () => {
    const put = await h.api.put(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: 'a' }).expect(405);
    expect(put.headers.allow).toBe('POST');
    expect(put.body.error).toMatch(/not allowed/);
    const post = await h.api.post(`/rooms/${room}/poll`).set(...bearer(ann.token)).expect(405);
    expect(post.headers.allow).toBe('GET');
  });

  it('answers 401 for a malformed or percent-mangled room id, like another room’s', async () => {
    await h.api.post('/rooms/%E0%A4%A/send').set(...bearer(ann.token)).send({ text: 'a' }).expect(401);
    await h.api.post('/rooms/short/send').set(...bearer(ann.token)).send({ text: 'a' }).expect(401);
  });

  it('answers 415 for any other content type', async () => {
    await send().set('Content-Type', 'application/x-www-form-urlencoded').send('text=hi').expect(415);
    await send().set('Content-Type', 'application/octet-stream').send(Buffer.from('hi')).expect(415);
  });

  it('answers 401 without a token, with an unknown token and with another room’s token', async () => {
    await h.api.post(`/rooms/${room}/send`).send({ text: 'a' }).expect(401);
    await h.api.post(`/rooms/${room}/send`).set(...bearer('x'.repeat(43))).send({ text: 'a' }).expect(401);
    await h.api.post(`/rooms/${room}/send`).set('Authorization', 'Basic abc').send({ text: 'a' }).expect(401);
    const other = await h.createRoom();
    const bob = await h.join(other, 'Bob');
    const res = await h.api.post(`/rooms/${room}/send`).set(...bearer(bob.token)).send({ text: 'a' }).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.error).toMatch(/join again/);
    expect(await texts()).toEqual([]);
  });

  it('answers 429 once the room holds ROOM_MAX_EVENTS live events', async () => {
    await h.close();
    h = await createHarness(factory, { ROOM_MAX_EVENTS: '3' });
    room = await h.createRoom();
    ann = await h.join(room, 'Ann'); // the join event is the first
    await send().send({ text: 'a' }).expect(200);
    await send().send({ text: 'b' }).expect(200);
    const res = await send().send({ text: 'c' }).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
    h.clock.advance(10_000);
    await h.api.get(`/rooms/${room}/poll`).query({ wait: 0 }).set(...bearer(ann.token)).expect(200);
    await send().send({ text: 'c' }).expect(200);
  });
});
