import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/domain/rate-limiter.js';

describe('RateLimiter#take', () => {
  it('allows `limit` takes per window and says how long to wait after', () => {
    const limiter = new RateLimiter(2, 1_000);
    expect([limiter.take('a', 0), limiter.take('a', 10), limiter.take('a', 400)]).toEqual([0, 0, 600]);
    expect(limiter.take('b', 400)).toBe(0);
    expect(limiter.take('a', 1_000)).toBe(0);
  });

  it('forgets keys whose window has passed once the map grows', () => {
    const limiter = new RateLimiter(1, 1_000, 100);
    for (let i = 0; i < 100; i += 1) limiter.take(`old${i}`, 0);
    limiter.take('new', 5_000);
    expect(limiter.size).toBe(1);
  });
});
