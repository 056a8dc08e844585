import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { storeFactories } from '../support/stores.js';

describe.each(storeFactories)('GET /?seats=N, the page\'s "start a group" form ($name store)', (factory) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(factory);
  });
  afterEach(() => h.close());

  it.each([3, 8])('redirects to a fresh room of %i seats', async (seats) => {
    const res = await h.api.get(`/?seats=${seats}`).expect(302);
    const room = await h.api.get(`/rooms${res.headers.location}`).expect(200);
    expect(room.body.capacity).toBe(seats);
  });

  it.each(['1', '9', 'four', '3.5', '', '1000000'])('answers seats=%s with a 400 sentence and makes no room', async (seats) => {
    const res = await h.api.get(`/?seats=${encodeURIComponent(seats)}`).expect(400);
    expect(res.body.error).toMatch(/"seats" must be a whole number from 2 to 8/);
    expect(res.headers.location).toBeUndefined();
  });

  it('answers seats given twice with 400', async () => {
    await h.api.get('/?seats=3&seats=4').expect(400);
  });

  it('tells the chat page the largest group it may offer', async () => {
    const room = await h.createRoom();
    const res = await h.api.get(`/${room}`).expect(200);
    expect(res.text).toContain('data-max-seats="8"');
  });
});
