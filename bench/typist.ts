import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorTally, Participant } from './bench-client.js';
import { exponentialDelayMs } from './random.js';

// The real client's first backoff step after a failed send.
const RETRY_MS = 100;

interface Batch {
  /** performance.now() of each key in the batch. */
  pressedAt: number[];
  delivered: boolean;
}

/** Latency and delivery of every key, across all typists of a run. */
export class DeliveryLog {
  readonly latenciesMs: number[] = [];
  keysPressed = 0;
  keysDelivered = 0;
  duplicates = 0;

  constructor(readonly errors: ErrorTally) {}
}

/**
 * One participant typing: Poisson key presses, and the real client's coalescing sender
 * (one send in flight; keys typed meanwhile go out together as the next batch, with the
 * next `seq`; a failed batch is retried with the same `seq`). The batch text starts with
 * its seq, so the receiver can tell which presses it carries.
 */
export class Typist {
  private pending: number[] = [];
  private sending = false;
  private nextSeq = 1;
  private timer: NodeJS.Timeout | undefined;
  private readonly batches = new Map<number, Batch>();

  constructor(
    private readonly participant: Participant,
    private readonly log: DeliveryLog,
  ) {}

  /**
   * Presses keys at `perSecond` (Poisson) until `stopAt` (performance.now() time). A key's
   * press time is when it was due, not when a busy event loop got to it, so generator lag
   * shows in the latencies instead of silently thinning the load.
   */
  type(random: () => number, perSecond: number, stopAt: number): void {
    let dueAt = performance.now();
    const next = (): void => {
      dueAt += exponentialDelayMs(random, perSecond);
      if (dueAt >= stopAt) return;
      this.timer = setTimeout(() => {
        this.press(dueAt);
        next();
      }, dueAt - performance.now());
    };
    next();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  press(now: number = performance.now()): void {
    this.log.keysPressed += 1;
    this.pending.push(now);
    if (!this.sending) void this.drain();
  }

  /** Called by the other participant's receive loop for each text event from this typist. */
  received(text: string): void {
    const now = performance.now();
    const batch = this.batches.get(Number.parseInt(text, 10));
    if (batch === undefined) return this.log.errors.add('unknown batch');
    if (batch.delivered) {
      this.log.duplicates += 1;
      return;
    }
    batch.delivered = true;
    this.log.keysDelivered += batch.pressedAt.length;
    for (const pressedAt of batch.pressedAt) this.log.latenciesMs.push(now - pressedAt);
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.pending.length > 0) {
      const pressedAt = this.pending;
      this.pending = [];
      const seq = this.nextSeq++;
      this.batches.set(seq, { pressedAt, delivered: false });
      const text = `${seq}.${'k'.repeat(pressedAt.length)}`;
      for (;;) {
        try {
          await this.participant.send(text, seq);
          break;
        } catch {
          this.log.errors.add('send failed');
          await sleep(RETRY_MS);
        }
      }
    }
    this.sending = false;
  }
}
