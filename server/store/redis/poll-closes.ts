import type { Timers } from '../../timers.js';

interface Waiting {
  timer: unknown;
  lease: number;
  send: () => Promise<void>;
}

/**
 * Poll closes waiting out a grace. A client polls again within a round trip of its answer,
 * and that poll's open makes the close of the one before moot; so a close waits `graceMs`
 * and is dropped when a newer lease of the participant opens meanwhile, here or on another
 * instance (its 'poll' signal). When it is sent, the script counts presence from when the
 * poll ended (the caller captures that moment), as if it had been sent at once.
 * Keys are "<room> <participant>"; a grace of 0 sends at once (manual clocks in tests).
 */
export class PollCloses {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly graceMs: number,
    private readonly timers: Timers,
  ) {}

  wait(key: string, lease: number, send: () => Promise<void>): void {
    if (this.graceMs <= 0) {
      void send();
      return;
    }
    this.drop(key, lease + 1);
    // A newer lease's close is already waiting: this one is moot.
    if (this.waiting.has(key)) return;
    const timer = this.timers.setTimeout(() => {
      this.waiting.delete(key);
      void send();
    }, this.graceMs);
    this.waiting.set(key, { timer, lease, send });
  }

  /** Drops the waiting close of `key` if its lease is older than `lease`. */
  drop(key: string, lease: number): void {
    const waiting = this.waiting.get(key);
    if (waiting === undefined || waiting.lease >= lease) return;
    this.timers.clearTimeout(waiting.timer);
    this.waiting.delete(key);
  }

  /** Sends every waiting close now (shutdown). */
  async flush(): Promise<void> {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiting of all) this.timers.clearTimeout(waiting.timer);
    await Promise.all(all.map((waiting) => waiting.send()));
  }
}
