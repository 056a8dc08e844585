import { describe, expect, it } from 'vitest';
import { DeadlineSweeper, type BucketSweep } from '../../server/store/redis/deadline-sweeper.js';
import type { Timers } from '../../server/timers.js';
import { ManualClock } from '../support/manual-clock.js';

/** Timers that fire only when told, on a manual clock they move to the timer's moment. */
class ClockTimers implements Timers {
  private readonly pending = new Map<number, { callback: () => void; at: number }>();
  private nextId = 1;
  constructor(private readonly clock: ManualClock) {}
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, at: this.clock.now() + ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get size(): number {
    return this.pending.size;
  }
  /** When the next timer is due, on the clock. */
  get nextAt(): number {
    return Math.min(...[...this.pending.values()].map((t) => t.at));
  }
  /** Moves the clock to the next timer (or `early` ms before it) and fires it. */
  fireNext(early = 0): void {
    const [id, timer] = [...this.pending].sort((a, b) => a[1].at - b[1].at)[0]!;
    this.pending.delete(id);
    this.clock.advance(Math.max(0, timer.at - early - this.clock.now()));
    timer.callback();
  }
}

const BUCKETS = 3;
const MAX_SLEEP_MS = 600_000;
const BATCH = 500;
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(answer: (bucket: number, now: number) => BucketSweep | Error) {
  const clock = new ManualClock();
  const timers = new ClockTimers(clock);
  const swept: number[][] = [];
  let round: number[] = [];
  const sweeper = new DeadlineSweeper({
    buckets: BUCKETS,
    now: clock.now,
    timers,
    maxSleepMs: MAX_SLEEP_MS,
    batch: BATCH,
    sweep: async (bucket) => {
      round.push(bucket);
      const reply = answer(bucket, clock.now());
      if (reply instanceof Error) throw reply;
      return reply;
    },
  });
  /** Fires the next timer and returns the buckets that tick swept. */
  const tick = async (early = 0): Promise<number[]> => {
    round = [];
    timers.fireNext(early);
    await settle();
    swept.push(round);
    return round.sort();
  };
  return { clock, timers, sweeper, tick, swept };
}

describe('DeadlineSweeper', () => {
  it('sweeps every bucket first, then sleeps until the earliest deadline they report and sweeps that bucket alone', async () => {
    const start = new ManualClock().now();
    const { timers, tick } = setup((bucket, now) => ({ seen: 0, next: now === start ? start + 1_000 * (bucket + 1) : undefined }));
    expect(await tick()).toEqual([0, 1, 2]);
    expect(timers.nextAt).toBe(start + 1_000);
    expect(await tick()).toEqual([0]);
    expect(timers.nextAt).toBe(start + 2_000);
    expect(await tick()).toEqual([1]);
  });

  it('with nothing due anywhere, sleeps maxSleepMs, then sweeps every bucket (a lost notice is found then)', async () => {
    const { clock, timers, tick } = setup(() => ({ seen: 0, next: undefined }));
    await tick();
    expect(timers.nextAt - clock.now()).toBe(MAX_SLEEP_MS);
    expect(await tick()).toEqual([0, 1, 2]);
    expect(timers.size).toBe(1);
  });

  it('wakes early for a due notice earlier than what it knows, and sweeps only that bucket', async () => {
    const { clock, timers, sweeper, tick } = setup(() => ({ seen: 0, next: undefined }));
    await tick();
    sweeper.due(2, clock.now() + 5_000);
    expect(timers.nextAt).toBe(clock.now() + 5_000);
    expect(timers.size).toBe(1);
    expect(await tick()).toEqual([2]);
  });

  it('ignores a notice no earlier than the deadline it already knows', async () => {
    const { clock, timers, sweeper, tick } = setup(() => ({ seen: 0, next: undefined }));
    await tick();
    sweeper.due(1, clock.now() + 5_000);
    sweeper.due(1, clock.now() + 9_000);
    expect(timers.nextAt).toBe(clock.now() + 5_000);
  });

  it('waits on when its timer fires before the store clock reaches the deadline, sweeping nothing', async () => {
    const { clock, timers, sweeper, tick } = setup(() => ({ seen: 0, next: undefined }));
    await tick();
    const at = clock.now() + 5_000;
    sweeper.due(0, at);
    expect(await tick(1)).toEqual([]);
    expect(timers.nextAt).toBe(at);
    expect(await tick()).toEqual([0]);
  });

  it('sweeps a bucket at most every 250 ms, however close its deadlines fall', async () => {
    const { clock, timers, tick } = setup((_, now) => ({ seen: 1, next: now + 10 }));
    await tick();
    const first = clock.now();
    expect(timers.nextAt).toBe(first + 250);
  });

  it('sweeps again at once when a sweep filled its batch', async () => {
    let calls = 0;
    const { clock, timers, tick } = setup(() => ({ seen: (calls += 1) === 2 ? BATCH : 0, next: undefined }));
    await tick();
    expect(timers.nextAt).toBe(clock.now());
  });

  it('retries a bucket whose sweep failed (Redis away) a second later, not at every deadline', async () => {
    let failing = true;
    const { clock, timers, tick } = setup(() => (failing ? new Error('unavailable') : { seen: 0, next: undefined }));
    await tick();
    expect(timers.nextAt).toBe(clock.now() + 1_000);
    failing = false;
    expect(await tick()).toEqual([0, 1, 2]);
    expect(timers.nextAt - clock.now()).toBe(MAX_SLEEP_MS);
  });

  it('sweeps every bucket on resync, as soon as the 250 ms gap allows', async () => {
    const { clock, timers, sweeper, tick } = setup(() => ({ seen: 0, next: undefined }));
    await tick();
    sweeper.resync();
    expect(timers.nextAt).toBe(clock.now() + 250);
    expect(await tick()).toEqual([0, 1, 2]);
  });

  it('releases its timer on close, and neither notices nor a sweep in flight arm another', async () => {
    let release: (value: BucketSweep) => void = () => {};
    const clock = new ManualClock();
    const timers = new ClockTimers(clock);
    const sweeper = new DeadlineSweeper({ buckets: 1, now: clock.now, timers, maxSleepMs: MAX_SLEEP_MS, batch: BATCH, sweep: () => new Promise((resolve) => (release = resolve)) });
    timers.fireNext();
    sweeper.close();
    release({ seen: 0, next: clock.now() + 1 });
    await settle();
    sweeper.due(0, clock.now() + 1);
    sweeper.resync();
    expect(timers.size).toBe(0);
  });
});
