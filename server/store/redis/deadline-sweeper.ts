import type { Timers } from '../../timers.js';

/** What one sweep of a bucket found: how many entries were due, and its next deadline if any. */
export interface BucketSweep {
  seen: number;
  next: number | undefined;
}

export interface DeadlineSweeperOptions {
  buckets: number;
  /** Applies what is due in one bucket (the sweep script). */
  sweep: (bucket: number) => Promise<BucketSweep>;
  /** The store clock, which the deadlines are on. */
  now: () => number;
  timers: Timers;
  /** Longest sleep: then every bucket is swept, catching deadlines whose notice was missed. */
  maxSleepMs: number;
  /** Entries one sweep handles; a sweep that saw this many runs again at once. */
  batch: number;
}

// Text must be gone within 1 s of expiresAt; sweeping a bucket at most every 250 ms meets
// that while a busy bucket, whose deadlines fall every few ms, costs 4 calls a second.
const MIN_SWEEP_GAP_MS = 250;
// While Redis does not answer, try again after this long rather than every deadline.
const RETRY_MS = 1_000;

/**
 * Sleeps until the earliest deadline it knows of in any bucket (presence timeouts, event
 * expiry, idle rooms), then sweeps the buckets that are due. Whoever indexes a deadline
 * earlier than its bucket's earliest publishes it on the bucket's due channel (`due()`),
 * so an idle instance sends nothing for `maxSleepMs` at a time. Several instances sweeping
 * the same deadline is harmless: the scripts apply each deadline exactly once.
 */
export class DeadlineSweeper {
  private readonly nextAt: number[];
  private readonly lastSweptAt: number[];
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  private closed = false;

  constructor(private readonly options: DeadlineSweeperOptions) {
    // Nothing known yet: the first tick sweeps every bucket and learns their deadlines.
    this.nextAt = Array.from({ length: options.buckets }, () => Number.NEGATIVE_INFINITY);
    this.lastSweptAt = Array.from({ length: options.buckets }, () => Number.NEGATIVE_INFINITY);
    this.schedule();
  }

  /** A deadline `at` was indexed in `bucket`. */
  due(bucket: number, at: number): void {
    if (!(at < this.nextAt[bucket]!)) return;
    this.nextAt[bucket] = at;
    this.schedule();
  }

  /** Forget what is known (e.g. after a reconnection, when notices may have been missed): sweep every bucket now. */
  resync(): void {
    this.nextAt.fill(Number.NEGATIVE_INFINITY);
    this.schedule();
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  /** When a bucket may next be swept: its deadline, but not sooner than MIN_SWEEP_GAP_MS after its last sweep. */
  private wakeAt(bucket: number): number {
    return Math.max(this.nextAt[bucket]!, this.lastSweptAt[bucket]! + MIN_SWEEP_GAP_MS);
  }

  private schedule(): void {
    if (this.closed || this.running) return;
    const now = this.options.now();
    let soonest = now + this.options.maxSleepMs;
    // Unless a bucket's deadline comes first, this is the longest sleep, whose tick sweeps every bucket.
    let sweepsAll = true;
    for (let bucket = 0; bucket < this.options.buckets; bucket += 1) {
      const at = this.wakeAt(bucket);
      if (at <= soonest) {
        soonest = at;
        sweepsAll = false;
      }
    }
    if (this.timer !== undefined && this.timerAt <= soonest) return;
    this.clearTimer();
    this.timerAt = soonest;
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.tick(sweepsAll);
    }, Math.max(0, soonest - now));
  }

  private async tick(sweepsAll: boolean): Promise<void> {
    const now = this.options.now();
    let due: number[] = [];
    for (let bucket = 0; bucket < this.options.buckets; bucket += 1) if (this.wakeAt(bucket) <= now) due.push(bucket);
    // Woken by the longest sleep: look at every bucket, in case a notice was lost.
    if (sweepsAll) due = this.nextAt.map((_, bucket) => bucket);
    // A timer may fire a little before the store clock reaches its deadline: wait on.
    if (due.length === 0) return this.schedule();
    this.running = true;
    await Promise.all(due.map((bucket) => this.sweepBucket(bucket, now)));
    this.running = false;
    this.schedule();
  }

  private async sweepBucket(bucket: number, now: number): Promise<void> {
    // A notice arriving while the sweep runs lowers this again; min() keeps it.
    this.nextAt[bucket] = Number.POSITIVE_INFINITY;
    this.lastSweptAt[bucket] = now;
    try {
      const { seen, next } = await this.options.sweep(bucket);
      if (this.closed) return;
      if (seen >= this.options.batch) this.lastSweptAt[bucket] = Number.NEGATIVE_INFINITY;
      const at = seen >= this.options.batch ? now : next;
      if (at !== undefined) this.nextAt[bucket] = Math.min(this.nextAt[bucket]!, at);
    } catch {
      this.nextAt[bucket] = Math.min(this.nextAt[bucket]!, now + RETRY_MS);
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
