import { TEXT_MAX_CHARS } from '../../server/protocol.js';
import type { ApiClient } from './api-client.js';
import type { Io } from './io.js';
import { Retry } from './retry.js';
import type { RenewOutcome, TokenSource } from './session.js';

export type SenderState = 'idle' | 'sending' | 'renewing' | 'backoff' | 'stopped';

export interface SenderOptions {
  io: Io;
  api: ApiClient;
  seat: TokenSource;
  room: string;
  /** The room is gone or the seat was taken while renewing: stop typing into the void. */
  onEnd(reason: Exclude<RenewOutcome, 'renewed' | 'failed'>): void;
  /** True while a batch waits for a retry, so the display can say "reconnecting…". */
  onBacklog?(stalled: boolean): void;
}

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
  readonly #retry: Retry;
  readonly #options: SenderOptions;

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#retry = new Retry(options.io, options.seat);
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
    this.#retry.cancel();
  }

  async #drain(): Promise<void> {
    const { api, seat, room } = this.#options;
    while (!this.#isStopped() && (this.#batch !== undefined || this.#pending !== '')) {
      this.#batch ??= this.#takeBatch();
      this.#state = 'sending';
      const result = await api.send(room, seat.token(), this.#batch);
      if (this.#isStopped()) return;
      if (result.ok) {
        this.#batch = undefined;
        if (this.#retry.failures > 0) this.#options.onBacklog?.(false);
        this.#retry.succeeded();
        continue;
      }
      if (result.kind === 'http' && result.status === 401) {
        this.#state = 'renewing';
        const next = await this.#retry.renew(() => this.#isStopped());
        if (next === 'again') continue;
        if (next !== 'backoff') return this.#end(next);
      } else if (result.kind === 'http' && result.status === 404) {
        return this.#end('vanished');
      } else if (result.kind === 'http' && result.status !== 429 && result.status < 500) {
        // 400/413/415: this batch can never succeed; dropping it keeps the rest flowing.
        this.#batch = undefined;
        continue;
      }
      if (this.#retry.failures === 0) this.#options.onBacklog?.(true);
      this.#state = 'backoff';
      await this.#retry.backoff();
    }
    if (!this.#isStopped()) this.#state = 'idle';
  }

  #takeBatch(): { text: string; seq: number } {
    // TEXT_MAX_CHARS counts code points; as many UTF-16 units are never more code points.
    let end = Math.min(this.#pending.length, TEXT_MAX_CHARS);
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
