import type { ErrorTally, Participant } from './bench-client.js';
import { exponentialDelayMs } from './random.js';

// Key n is typed as KEYS[n % 62]: the receiver tells which presses a text carries, and
// whether one came twice or out of order, from the characters alone, whatever batches
// the sender made of them. Alphanumerics: one byte each in JSON, as a typed letter.
const KEYS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Latency and delivery of every key, across all typists of a run. */
export class DeliveryLog {
  readonly latenciesMs: number[] = [];
  keysPressed = 0;
  keysDelivered = 0;
  duplicates = 0;

  constructor(readonly errors: ErrorTally) {}
}

/**
 * One participant typing Poisson key presses into its client, and the bookkeeping of
 * what the other participant receives from it: each key's latency, from its press to
 * the answer that carried it to the other side, on one clock.
 */
export class Typist {
  private readonly pressedAt: number[] = [];
  private delivered = 0;
  private timer: NodeJS.Timeout | undefined;

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
    this.participant.type(KEYS[this.pressedAt.length % KEYS.length]!);
    this.pressedAt.push(now);
  }

  /** Called by the other participant's receive loop for each text event from this typist. */
  received(text: string): void {
    const now = performance.now();
    for (const key of text) {
      if (this.delivered < this.pressedAt.length && key === KEYS[this.delivered % KEYS.length]) {
        this.log.latenciesMs.push(now - this.pressedAt[this.delivered]!);
        this.delivered += 1;
        this.log.keysDelivered += 1;
      } else if (this.recentlyDelivered(key)) {
        this.log.duplicates += 1;
      } else {
        this.log.errors.add('key out of order');
      }
    }
  }

  /** One of the last KEYS.length - 1 keys delivered: a repeat of a batch already shown. */
  private recentlyDelivered(key: string): boolean {
    const index = KEYS.indexOf(key);
    if (index < 0) return false;
    const back = (this.delivered - 1 - index + KEYS.length * 2) % KEYS.length;
    return back < Math.min(this.delivered, KEYS.length - 1);
  }
}
