import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('pages and plumbing ($name store)', (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(factory);
  });
  afterEach(() => h.close());

  const expectSecurityHeaders = (headers: Record<string, string>) => {
    const csp = headers['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/require-trusted-types-for 'script'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
  };

  it('GET / redirects to a fresh room of the default capacity', async () => {
    const res = await h.api.get('/').expect(302);
    expect(res.headers.location).toMatch(/^\/[A-Za-z0-9]{12,}$/);
    const room = await h.api.get(`/rooms${res.headers.location}`).expect(200);
    expect(room.body.capacity).toBe(2);
  });

  it('GET /<room> serves the chat page for a live room, with the security headers', async () => {
    const room = await h.createRoom();
    const res = await h.api.get(`/${room}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(res.headers);
  });

  it.each(['ZZZZZZZZZZZZZ', 'nope', 'a'.repeat(64)])('GET /%s answers the vanished page with 404', async (id) => {
    const res = await h.api.get(`/${id}`).expect(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/vanished/);
    expect(res.text).toMatch(/href="\/"/);
    expectSecurityHeaders(res.headers);
  });

  it('GET /favicon.ico answers 204, cacheable, instead of a vanished page', async () => {
    const res = await h.api.get('/favicon.ico').expect(204);
    expect(res.headers['cache-control']).toMatch(/max-age=/);
  });

  it('GET /about serves HTML', async () => {
    const res = await h.api.get('/about').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectSecurityHeaders(res.headers);
  });

  it('GET /healthz answers ok', async () => {
    const res = await h.api.get('/healthz').expect(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('answers JSON 404 for unknown API paths and 405 for wrong methods', async () => {
    const missing = await h.api.get('/rooms/abc/def/ghi').expect(404);
    expect(missing.body).toEqual({ error: 'There is nothing at this address.' });
    const wrong = await h.api.put('/rooms').expect(405);
    expect(wrong.body.error).toMatch(/not allowed/);
    expect(wrong.headers['cache-control']).toBe('no-store');
  });

  it('answers every API response, success or error, as uncacheable JSON', async () => {
    const room = await h.createRoom();
    const ann = await h.join(room, 'Ann');
    const responses = await Promise.all([
      h.api.post('/rooms'),
      h.api.get(`/rooms/${room}`),
      h.api.get('/rooms/ZZZZZZZZZZZZZ'),
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: '' }),
      h.api.post(`/rooms/${room}/send`).set(...bearer(ann.token)).send({ text: 'a' }),
      h.api.get(`/rooms/${room}/poll`).query({ wait: 0 }).set(...bearer(ann.token)),
      h.api.get(`/rooms/${room}/poll`),
      h.api.get('/healthz'),
    ]);
    for (const res of responses) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      if (res.status >= 400) expect(Object.keys(res.body)).toEqual(['error']);
    }
  });
});
