import type { ChatEvent } from '../../server/protocol.js';
import { MAX_BACKOFF_MS } from './backoff.js';

/**
 * Text reaching us this much later than the freshest event we have seen is late: a live
 * keystroke arrives within one request's round trip (well under a second), so 3 s means
 * it waited out an outage somewhere (ours, or the server's hold on a dead connection).
 */
export const LATE_AFTER_MS = 3000;
/**
 * After a participant's `steady`, their first text within this long is what their client
 * held back during the outage: its sends retry on their own backoff, up to MAX_BACKOFF_MS
 * behind the poll that made them steady, and the server stamps `at` when it finally arrives.
 */
export const BACKLOG_AFTER_STEADY_MS = MAX_BACKOFF_MS + 1000;

/**
 * Decides whether a `text` event is late (typed during an outage, so it must not be shown
 * as if it were being typed now), from what the room's events say: the sender's
 * `unstable`/`steady` news, and the event's `at` against our clock. Our clock and the
 * server's differ by an unknown skew, so lag is measured against the smallest
 * (now - at) seen so far: the freshest event's delay stands for "live".
 */
export class LateText {
  #liveLagMs = Infinity;
  readonly #unstable = new Set<string>();
  /** Participant -> `at` of their last `steady`, until their first text after it. */
  readonly #steadiedAt = new Map<string, number>();
  /** Participants whose held-back text already came while they were unstable: their steady needs no grace. */
  readonly #flushed = new Set<string>();

  /** Reads one event (every event, own ones included, in order); true when it is late text. */
  observe(event: ChatEvent, now: number): boolean {
    const lagMs = now - event.at;
    if (lagMs < this.#liveLagMs) this.#liveLagMs = lagMs;
    switch (event.type) {
      case 'unstable':
        this.#forget(event.from);
        this.#unstable.add(event.from);
        return false;
      case 'steady':
        this.#unstable.delete(event.from);
        if (!this.#flushed.delete(event.from)) this.#steadiedAt.set(event.from, event.at);
        return false;
      case 'leave':
        this.#forget(event.from);
        return false;
      case 'text':
        return this.#isLate(event, lagMs);
      default:
        return false;
    }
  }

  /** A new outage, or a participant gone: nothing of their last outage counts any more. */
  #forget(from: string): void {
    this.#unstable.delete(from);
    this.#steadiedAt.delete(from);
    this.#flushed.delete(from);
  }

  #isLate(event: ChatEvent, lagMs: number): boolean {
    const steadiedAt = this.#steadiedAt.get(event.from);
    this.#steadiedAt.delete(event.from);
    if (this.#unstable.has(event.from)) {
      this.#flushed.add(event.from);
      return true;
    }
    if (steadiedAt !== undefined && event.at - steadiedAt <= BACKLOG_AFTER_STEADY_MS) return true;
    return lagMs - this.#liveLagMs > LATE_AFTER_MS;
  }
}
