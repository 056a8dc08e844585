import { describe, expect, it } from 'vitest';
import { fullAllowance, takeSend } from '../../server/domain/send-allowance.js';

const limits = { charsPerSecond: 100, charsBurst: 1000, sendsPerSecond: 10, sendsBurst: 3 };

describe('takeSend', () => {
  it('allows a burst of sends, then answers how long until the next one fits', () => {
    const allowance = fullAllowance(limits, 0);
    for (let i = 0; i < 3; i += 1) expect(takeSend(allowance, limits, 1, 0)).toBe(0);
    expect(takeSend(allowance, limits, 1, 0)).toBe(100);
    expect(takeSend(allowance, limits, 1, 50)).toBe(50);
    expect(takeSend(allowance, limits, 1, 100)).toBe(0);
  });

  it('counts characters apart from sends, and a refused send costs nothing', () => {
    const allowance = fullAllowance(limits, 0);
    expect(takeSend(allowance, limits, 1000, 0)).toBe(0);
    expect(takeSend(allowance, limits, 500, 0)).toBe(5_000);
    expect(takeSend(allowance, limits, 500, 0)).toBe(5_000);
    expect(takeSend(allowance, limits, 500, 5_000)).toBe(0);
  });

  it('refills no further than the burst', () => {
    const allowance = fullAllowance(limits, 0);
    expect(takeSend(allowance, limits, 1000, 0)).toBe(0);
    expect(takeSend(allowance, limits, 1000, 1_000_000)).toBe(0);
    expect(takeSend(allowance, limits, 1, 1_000_000)).toBe(10);
  });
});
