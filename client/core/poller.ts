import type { ChatEvent } from '../../server/protocol.js';
import type { ApiClient } from './api-client.js';
import type { Io } from './io.js';
import { Retry } from './retry.js';
import type { TokenSource } from './session.js';

export type PollerState = 'idle' | 'polling' | 'renewing' | 'backoff' | 'stopped';
export type ConnectionState = 'connected' | 'reconnecting';
/** Why the poller stopped on its own: the room is gone, or someone took our seat. */
export type PollerEnd = 'vanished' | 'full';

export interface PollerOptions {
  io: Io;
  api: ApiClient;
  seat: TokenSource;
  room: string;
  /** Where to start: the cursor from the join response. */
  cursor: string | undefined;
  /** The server's POLL_HOLD_MS (from join); the poll asks to be held this long. */
  holdMs: number;
  onEvents(events: ChatEvent[], reset: boolean): void;
  onConnection(state: ConnectionState): void;
  onEnd(reason: PollerEnd): void;
}

// A held poll answers within holdMs; 10 s more covers a slow network. Past that a
// proxy has swallowed the response and only a fresh request will get through.
const POLL_GRACE_MS = 10_000;

/**
 * The long-poll loop. It re-checks its state before every request, so `stop()` can
 * never race a new poll; errors become backoff, never throws out of the loop.
 */
export class Poller {
  #state: PollerState = 'idle';
  #cursor: string | undefined;
  readonly #retry: Retry;
  #connection: ConnectionState = 'connected';
  #inFlight: AbortController | undefined;
  readonly #options: PollerOptions;

  constructor(options: PollerOptions) {
    this.#options = options;
    this.#retry = new Retry(options.io, options.seat);
    this.#cursor = options.cursor;
  }

  get state(): PollerState {
    return this.#state;
  }

  get cursor(): string | undefined {
    return this.#cursor;
  }

  start(): void {
    if (this.#state !== 'idle') throw new TypeError(`Poller#start called while ${this.#state}`);
    void this.#loop();
  }

  stop(): void {
    this.#state = 'stopped';
    this.#inFlight?.abort();
    this.#retry.cancel();
  }

  async #loop(): Promise<void> {
    const { api, seat, room, holdMs } = this.#options;
    while (this.#state !== 'stopped') {
      this.#state = 'polling';
      this.#inFlight = new AbortController();
      const result = await api.poll(room, seat.token(), this.#cursor, holdMs, {
        signal: this.#inFlight.signal,
        timeoutMs: holdMs + POLL_GRACE_MS,
      });
      this.#inFlight = undefined;
      if (this.#isStopped()) return;
      if (result.ok) {
        this.#retry.succeeded();
        this.#setConnection('connected');
        this.#cursor = result.body.cursor;
        if (result.body.events.length > 0 || result.body.reset) this.#options.onEvents(result.body.events, result.body.reset === true);
        continue;
      }
      if (result.kind === 'http' && result.status === 404) return this.#end('vanished');
      if (result.kind === 'http' && result.status === 401) {
        this.#state = 'renewing';
        const next = await this.#retry.renew(() => this.#isStopped());
        if (next === 'again') continue;
        if (next !== 'backoff') return this.#end(next);
      }
      this.#setConnection('reconnecting');
      this.#state = 'backoff';
      await this.#retry.backoff();
    }
  }

  // A method, so TypeScript does not narrow #state across the awaits above.
  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  #end(reason: PollerEnd): void {
    this.stop();
    this.#options.onEnd(reason);
  }

  #setConnection(state: ConnectionState): void {
    if (state === this.#connection) return;
    this.#connection = state;
    this.#options.onConnection(state);
  }
}
