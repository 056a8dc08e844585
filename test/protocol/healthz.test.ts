import { describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('GET /healthz ($name store)', (factory) => {
  it('answers 503 with the Retry-After of the API\'s own 503s once the store is gone', async () => {
    const h = await createHarness(factory);
    await h.api.get('/healthz').expect(200);
    await h.store.close();
    const res = await h.api.get('/healthz').expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ ok: false, error: 'The room store is unavailable.' });
    await h.close();
  });
});
