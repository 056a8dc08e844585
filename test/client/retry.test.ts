import { describe, expect, it } from 'vitest';
import { Retry } from '../../client/core/retry.js';
import type { RenewOutcome } from '../../client/core/session.js';
import { FakeIo, flush } from './fake-io.js';

function retry(io: FakeIo, outcome: RenewOutcome = 'renewed'): Retry {
  return new Retry(io, { token: () => 't', renew: () => Promise.resolve(outcome) });
}

describe('Retry#backoff', () => {
  it('waits longer after each failure in a row, and the shortest again after a success', async () => {
    const io = new FakeIo();
    io.randomValue = 0; // the fixed half of each delay: 125, 250, 500 ms
    const r = retry(io);
    const waited = async (): Promise<number> => {
      const started = io.nowMs;
      let done = false;
      void r.backoff().then(() => (done = true));
      while (!done) await io.advance(1);
      return io.nowMs - started;
    };
    expect([await waited(), await waited(), await waited()]).toEqual([125, 250, 500]);
    expect(r.failures).toBe(3);
    r.succeeded();
    expect(await waited()).toBe(125);
  });

  it('ends at once on cancel and releases its timer', async () => {
    const io = new FakeIo();
    const r = retry(io);
    let done = false;
    void r.backoff().then(() => (done = true));
    expect(io.pendingTimers).toBe(1);
    r.cancel();
    await flush();
    expect(done).toBe(true);
    expect(io.pendingTimers).toBe(0);
  });
});

describe('Retry#renew', () => {
  it('says what the loop does for each way a rejoin ends', async () => {
    const next = (outcome: RenewOutcome, stopped = false) => retry(new FakeIo(), outcome).renew(() => stopped);
    expect(await next('renewed')).toBe('again');
    expect(await next('failed')).toBe('backoff');
    expect(await next('full')).toBe('full');
    expect(await next('vanished')).toBe('vanished');
    // Stopped while rejoining: the loop's own state check ends it, and nobody is told it ended.
    expect(await next('vanished', true)).toBe('again');
  });
});
