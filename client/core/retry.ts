import { backoffDelayMs } from './backoff.js';
import { sleep, type Io } from './io.js';
import type { RenewOutcome, TokenSource } from './session.js';

/** What a loop does after a 401: go again at once, back off, or end because the seat is lost. */
export type AfterRenew = 'again' | 'backoff' | Exclude<RenewOutcome, 'renewed' | 'failed'>;

/**
 * How the poller and the sender recover from a failed request, written once: a 401 renews
 * the seat (the session shares one rejoin between both loops); any other failure waits a
 * jittered backoff that grows with consecutive failures; a success starts the count again.
 */
export class Retry {
  readonly #io: Io;
  readonly #seat: TokenSource;
  #failures = 0;
  #nap: { cancel(): void } | undefined;

  constructor(io: Io, seat: TokenSource) {
    this.#io = io;
    this.#seat = seat;
  }

  /** Failures in a row since the last success. */
  get failures(): number {
    return this.#failures;
  }

  succeeded(): void {
    this.#failures = 0;
  }

  /** `isStopped` is asked after the rejoin: a loop stopped meanwhile goes 'again' and its own check ends it. */
  async renew(isStopped: () => boolean): Promise<AfterRenew> {
    const renewed = await this.#seat.renew();
    if (renewed === 'renewed' || isStopped()) return 'again';
    return renewed === 'failed' ? 'backoff' : renewed;
  }

  /** Counts a failure and waits out its backoff, or less if `cancel()` comes first. */
  async backoff(): Promise<void> {
    this.#failures += 1;
    const nap = sleep(this.#io, backoffDelayMs(this.#failures, this.#io.random));
    this.#nap = nap;
    await nap.done;
    this.#nap = undefined;
  }

  /** Ends a backoff at once, so a stopping loop never waits one out. */
  cancel(): void {
    this.#nap?.cancel();
  }
}
