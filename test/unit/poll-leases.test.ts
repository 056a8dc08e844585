import { describe, expect, it } from 'vitest';
import { PollLeases } from '../../server/store/redis/poll-leases.js';
import type { Timers } from '../../server/timers.js';

/** Timers that fire only when told. */
class HeldTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  private nextId = 1;
  setTimeout(callback: () => void): unknown {
    const id = this.nextId++;
    this.pending.set(id, callback);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    for (const [id, callback] of [...this.pending]) {
      this.pending.delete(id);
      callback();
    }
  }
}

describe('PollLeases', () => {
  const setup = (graceMs = 1_000) => {
    const timers = new HeldTimers();
    const sent: string[] = [];
    const closes = new PollLeases(graceMs, timers);
    const wait = (key: string, lease: number) => closes.wait(key, lease, async () => void sent.push(`${key}#${lease}`));
    return { timers, sent, closes, wait };
  };

  it('sends a close once its grace ran out', () => {
    const { timers, sent, wait } = setup();
    wait('r p', 1);
    expect(sent).toEqual([]);
    timers.fireAll();
    expect(sent).toEqual(['r p#1']);
    expect(timers.pending.size).toBe(0);
  });

  it('drops a waiting close when a newer lease of the participant opens, and releases its timer', () => {
    const { timers, sent, closes, wait } = setup();
    wait('r p', 1);
    closes.drop('r p', 1);
    expect(timers.pending.size).toBe(1);
    closes.drop('r p', 2);
    expect(timers.pending.size).toBe(0);
    timers.fireAll();
    expect(sent).toEqual([]);
  });

  it('keeps only the newest lease’s close of a participant', () => {
    const { timers, sent, wait } = setup();
    wait('r p', 2);
    wait('r p', 1);
    wait('r q', 1);
    timers.fireAll();
    expect(sent.sort()).toEqual(['r p#2', 'r q#1']);
  });

  it('sends every waiting close on flush, releasing their timers', async () => {
    const { timers, sent, closes, wait } = setup();
    wait('r p', 1);
    wait('r q', 3);
    await closes.flush();
    expect(sent.sort()).toEqual(['r p#1', 'r q#3']);
    expect(timers.pending.size).toBe(0);
  });

  it('sends at once with a grace of 0', () => {
    const { timers, sent, wait } = setup(0);
    wait('r p', 1);
    expect(sent).toEqual(['r p#1']);
    expect(timers.pending.size).toBe(0);
  });

  // Ann's lease 3, opened at 0 with presence written to cover polls held until 30 s, in run 7.
  const ann = { id: 3, participant: 'ann', tokenKey: 'r t-ann', coveredUntil: 30_000, run: 7 };

  it('carries a lease on for the next poll while its close waits, and then that close is not sent', () => {
    const { timers, sent, closes, wait } = setup();
    closes.opened('r ann', ann);
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 7)).toBeUndefined(); // its poll is still held
    wait('r ann', 3);
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 7)).toEqual({ participant: 'ann', leaseId: '3' });
    expect(timers.pending.size).toBe(0);
    // The carried-on poll ends in turn: its close waits, and is sent after the grace.
    wait('r ann', 3);
    timers.fireAll();
    expect(sent).toEqual(['r ann#3']);
    expect(closes.carryOn('r t-ann', 2_000, 25_000, 7)).toBeUndefined();
    expect(closes.size).toBe(0);
  });

  it('carries nothing on past the written presence, in another run, or for another token', () => {
    const { closes, wait } = setup();
    closes.opened('r ann', ann);
    wait('r ann', 3);
    expect(closes.carryOn('r t-ann', 5_001, 25_000, 7)).toBeUndefined();
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 8)).toBeUndefined();
    expect(closes.carryOn('r t-bob', 1_000, 25_000, 7)).toBeUndefined();
    expect(closes.carryOn('r t-ann', 5_000, 25_000, 7)).toEqual({ participant: 'ann', leaseId: '3' });
  });

  it('forgets a lease once a newer one opened elsewhere, and its waiting close with it', () => {
    const { timers, sent, closes, wait } = setup();
    closes.opened('r ann', ann);
    wait('r ann', 3);
    closes.drop('r ann', 4);
    expect(timers.pending.size).toBe(0);
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 7)).toBeUndefined();
    expect(closes.size).toBe(0);
    expect(sent).toEqual([]);
  });

  it('keeps only the newest lease opened here, dropping the close of the one before', () => {
    const { timers, closes, wait } = setup();
    closes.opened('r ann', ann);
    wait('r ann', 3);
    closes.opened('r ann', { ...ann, id: 4 });
    expect(timers.pending.size).toBe(0);
    closes.opened('r ann', ann); // a reply that came late changes nothing
    wait('r ann', 4);
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 7)).toEqual({ participant: 'ann', leaseId: '4' });
  });

  it('carries nothing on with a grace of 0, and tracks nothing', () => {
    const { closes, wait } = setup(0);
    closes.opened('r ann', ann);
    wait('r ann', 3);
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 7)).toBeUndefined();
    expect(closes.size).toBe(0);
  });

  it('carries nothing on after a flush', async () => {
    const { sent, closes, wait } = setup();
    closes.opened('r ann', ann);
    wait('r ann', 3);
    await closes.flush();
    expect(sent).toEqual(['r ann#3']);
    expect(closes.carryOn('r t-ann', 1_000, 25_000, 7)).toBeUndefined();
  });
});
