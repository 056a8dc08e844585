import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

// A deterministic generator, so a failure names the input that caused it.
function* inputs(seed: number): Generator<{ method: string; path: string; type?: string; body?: string; auth: boolean }> {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
  const types = [undefined, 'application/json', 'text/plain', 'text/plain; charset=latin1', 'application/xml', 'multipart/form-data', 'application/json; charset=utf-16'];
  const bodies = ['', '{', '[]', 'null', '"x"', '{"text":null}', '{"text":"a","seq":1e400}', '{"capacity":1e309}', '{"__proto__":{"x":1}}', '\u0000\uffff', '{"name":"\\ud800"}', '{"text":"\\ud800"}', 'x'.repeat(20_000), '{"state":"away"}', '{"token":"' + 'a'.repeat(500) + '"}', '{"participant":"x"}', '{"participant":["x"]}', '{"locked":"yes"}', '{"locked":true}', '{"key":"' + 'k'.repeat(200) + '"}', '{"name":"\u200d\u200d","key":"aaaaaaaaaaaaaaaaaaaaaa"}', '{"text":"a\u0301\u0301\u0301\u0301\u0301"}'];
  const suffixes = ['', '/join', '/send', '/poll', '/presence', '/leave', '/poll?cursor=%00', '/poll?wait=99999999999', '/poll?cursor[]=1', '/%zz', '/../../etc/passwd', '/kick', '/lock'];
  for (let i = 0; i < 400; i += 1) {
    const room = ['ROOM', 'x', '%00', 'a'.repeat(300), '..', '%E2%80%AE'][next(6)]!;
    yield {
      method: methods[next(methods.length)]!,
      path: next(5) === 0 ? `/${room}` : `/rooms/${room}${suffixes[next(suffixes.length)]}`,
      type: types[next(types.length)],
      body: bodies[next(bodies.length)],
      auth: next(2) === 0,
    };
  }
}

describe.each(storeFactories)('hostile input ($name store)', (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(factory, { POLL_HOLD_MS: '0' });
  });
  afterEach(() => h.close());

  it('never answers 5xx, and leaves the room working', async () => {
    const room = await h.createRoom();
    const ann = await h.join(room, 'Ann');
    for (const input of inputs(7)) {
      const path = input.path.replace('ROOM', room);
      let req = h.api[input.method.toLowerCase() as 'get'](path);
      if (input.auth) req = req.set(...bearer(ann.token));
      if (input.type) req = req.set('Content-Type', input.type);
      if (input.body !== undefined && !['GET', 'HEAD'].includes(input.method)) req = req.send(input.body);
      const res = await req;
      const what = `${input.method} ${path} ${input.type} ${input.body?.slice(0, 40)}`;
      expect(res.status, what).toBeLessThan(500);
      if (path.startsWith('/rooms/') && res.status >= 400 && input.method !== 'HEAD') {
        expect(res.headers['content-type'], what).toMatch(/^application\/json/);
        expect(typeof res.body.error, what).toBe('string');
      }
    }
    await h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: 'still fine' }).expect(200);
    expect(h.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});
