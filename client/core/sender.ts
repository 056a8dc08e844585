import type { ApiClient } from './api-client.js';
import { backoffDelayMs } from './backoff.js';
import { sleep, type Io } from './io.js';
import type { RenewOutcome, Seat } from './session.js';

export type SenderState = 'idle' | 'sending' | 'renewing' | 'backoff' | 'stopped';

export interface SenderOptions {
  io: Io;
  api: ApiClient;
  seat: Seat;
  room: string;
  /** The room is gone or the seat was taken while renewing: stop typing into the void. */
  onEnd(reason: Exclude<RenewOutcome, 'renewed' | 'failed'>): void;
  /** True while a batch waits for a retry, so the display can say "reconnecting…". */
  onBacklog?(stalled: boolean): void;
  /** A batch the server refused for good (400/413/415): how many characters were lost, so the display can say so. */
  onRefused?(chars: number): void;
}

// The protocol's limit on one send's text (docs/protocol.md, POST /rooms/:room/send).
export const MAX_SEND_CHARS = 1000;

/**
 * Sends typed text with at most one request in flight. Text typed meanwhile waits in
 * `#pending` and goes out as the next batch. Each batch gets the next `seq`; a failed
 * batch is retried with the same seq and text, so the server can recognise a retry
 * of a send it already accepted and nothing is lost or shown twice.
 */
export class Sender {
  #state: SenderState = 'idle';
  #pending = '';
  #batch: { text: string; seq: number } | undefined;
  // Starts at 1: every seq of a fresh participant is then unambiguously new.
  #nextSeq = 1;
  #failures = 0;
  #nap: { cancel(): void } | undefined;
  readonly #options: SenderOptions;

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  get state(): SenderState {
    return this.#state;
  }

  /** Characters accepted by `push` and not yet acknowledged by the server. */
  get unsent(): number {
    return this.#pending.length + (this.#batch?.text.length ?? 0);
  }

  push(text: string): void {
    if (this.#state === 'stopped' || text === '') return;
    this.#pending += text;
    if (this.#state === 'idle') void this.#drain();
  }

  stop(): void {
    this.#state = 'stopped';
    this.#nap?.cancel();
  }

  async #drain(): Promise<void> {
    const { api, seat, room, io } = this.#options;
    while (!this.#isStopped() && (this.#batch !== undefined || this.#pending !== '')) {
      this.#batch ??= this.#takeBatch();
      this.#state = 'sending';
      const result = await api.send(room, seat.token(), this.#batch);
      if (this.#isStopped()) return;
      if (result.ok) {
        this.#batch = undefined;
        if (this.#failures > 0) this.#options.onBacklog?.(false);
        this.#failures = 0;
        continue;
      }
      if (result.kind === 'http' && result.status === 401) {
        this.#state = 'renewing';
        const renewed = await seat.renew();
        if (this.#isStopped()) return;
        if (renewed === 'renewed') continue;
        if (renewed !== 'failed') return this.#end(renewed);
      } else if (result.kind === 'http' && result.status === 404) {
        return this.#end('vanished');
      } else if (result.kind === 'http' && result.status !== 429 && result.status < 500) {
        // 400/413/415: this batch can never succeed; dropping it keeps the rest flowing.
        this.#options.onRefused?.(this.#batch.text.length);
        this.#batch = undefined;
        continue;
      }
      this.#failures += 1;
      if (this.#failures === 1) this.#options.onBacklog?.(true);
      this.#state = 'backoff';
      const nap = sleep(io, backoffDelayMs(this.#failures, io.random));
      this.#nap = nap;
      await nap.done;
      this.#nap = undefined;
    }
    if (!this.#isStopped()) this.#state = 'idle';
  }

  #takeBatch(): { text: string; seq: number } {
    let end = Math.min(this.#pending.length, MAX_SEND_CHARS);
    // Never split a surrogate pair: half an emoji is not a character.
    if (end < this.#pending.length && isHighSurrogate(this.#pending.charCodeAt(end - 1))) end -= 1;
    const text = this.#pending.slice(0, end);
    this.#pending = this.#pending.slice(end);
    return { text, seq: this.#nextSeq++ };
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  #end(reason: 'full' | 'vanished'): void {
    this.stop();
    this.#options.onEnd(reason);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
