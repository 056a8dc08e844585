import { GAP_MAX_MS, TEXT_MAX_CHARS } from '../../server/protocol.js';
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
  /** A batch the server refused for good (400/413/415): how many characters were lost, so the display can say so. */
  onRefused?(chars: number): void;
  /** Text that waited past STALE_TEXT_MS (an outage) and was dropped unsent: how many characters. */
  onStale?(chars: number): void;
  /** STALE_TEXT_MS unless given (tests of retrying set Infinity). */
  staleTextMs?: number;
}

/**
 * Text typed longer ago than this is not sent any more: it faded from the typist's own
 * screen after LINGER_MS + FADE_MS (3.5 s), and arriving on the others' screens 20 s late
 * it would read as if typed now. 8 s leaves room for a retry or two after a blip.
 */
export const STALE_TEXT_MS = 8000;

/**
 * Sends typed text with at most one request in flight. Text typed meanwhile waits in
 * `#pending` and goes out as the next batch. Each batch gets the next `seq`; a failed
 * batch is retried with the same seq and text, so the server can recognise a retry
 * of a send it already accepted and nothing is lost or shown twice.
 */
export class Sender {
  #state: SenderState = 'idle';
  #pending = '';
  // When each UTF-16 unit of #pending was typed (both units of a surrogate pair share one push, so one time).
  #pendingAt: number[] = [];
  #batch: Batch | undefined;
  // When the last character handed to a batch was typed: the first gap of the next batch counts from it.
  #lastTypedAt: number | undefined;
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
    const now = this.#options.io.now();
    for (let i = 0; i < text.length; i += 1) this.#pendingAt.push(now);
    if (this.#state === 'idle') void this.#drain();
  }

  stop(): void {
    this.#state = 'stopped';
    this.#retry.cancel();
  }

  async #drain(): Promise<void> {
    const { api, seat, room } = this.#options;
    while (!this.#isStopped() && (this.#batch !== undefined || this.#pending !== '')) {
      this.#dropStale();
      if (this.#batch === undefined && this.#pending === '') {
        // Nothing left to retry: no backlog, whatever the network does next.
        if (this.#retry.failures > 0) this.#options.onBacklog?.(false);
        this.#retry.succeeded();
        break;
      }
      this.#batch ??= this.#takeBatch();
      this.#state = 'sending';
      const result = await api.send(room, seat.token(), { text: this.#batch.text, seq: this.#batch.seq, gaps: gapsOf(this.#batch) });
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
        this.#options.onRefused?.(codePointCount(this.#batch.text));
        this.#batch = undefined;
        continue;
      }
      if (this.#retry.failures === 0) this.#options.onBacklog?.(true);
      this.#state = 'backoff';
      await this.#retry.backoff();
    }
    if (!this.#isStopped()) this.#state = 'idle';
  }

  #takeBatch(): Batch {
    // TEXT_MAX_CHARS counts code points; as many UTF-16 units are never more code points.
    let end = Math.min(this.#pending.length, TEXT_MAX_CHARS);
    // Never split a surrogate pair: half an emoji is not a character.
    if (end < this.#pending.length && isHighSurrogate(this.#pending.charCodeAt(end - 1))) end -= 1;
    const text = this.#pending.slice(0, end);
    this.#pending = this.#pending.slice(end);
    const typedAt = this.#pendingAt.splice(0, end);
    const batch = { text, seq: this.#nextSeq++, typedAt, previousTypedAt: this.#lastTypedAt };
    this.#lastTypedAt = typedAt[typedAt.length - 1];
    return batch;
  }

  /**
   * Cuts text typed before now - STALE_TEXT_MS from the batch under retry and from what
   * waits. A batch's seq stays used even if it empties: the server may have taken it.
   */
  #dropStale(): void {
    const cutoff = this.#options.io.now() - (this.#options.staleTextMs ?? STALE_TEXT_MS);
    let dropped = 0;
    if (this.#batch) {
      const stale = countBefore(this.#batch.typedAt, cutoff);
      if (stale > 0) {
        dropped += codePointCount(this.#batch.text.slice(0, stale));
        this.#batch = stale === this.#batch.text.length ? undefined : { ...this.#batch, text: this.#batch.text.slice(stale), typedAt: this.#batch.typedAt.slice(stale) };
      }
    }
    const stale = countBefore(this.#pendingAt, cutoff);
    if (stale > 0) {
      dropped += codePointCount(this.#pending.slice(0, stale));
      this.#pending = this.#pending.slice(stale);
      this.#pendingAt.splice(0, stale);
    }
    if (dropped > 0) this.#options.onStale?.(dropped);
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  #end(reason: 'full' | 'vanished'): void {
    this.stop();
    this.#options.onEnd(reason);
  }
}

interface Batch {
  text: string;
  seq: number;
  /** When each UTF-16 unit of `text` was typed. */
  typedAt: number[];
  /** When the character before the batch was typed, if one was. */
  previousTypedAt: number | undefined;
}

/** The batch's cadence (SendRequest.gaps): per code point, ms since the character before it. */
function gapsOf(batch: Batch): number[] {
  const gaps: number[] = [];
  let previous = batch.previousTypedAt;
  let unit = 0;
  for (const ch of batch.text) {
    const at = batch.typedAt[unit]!;
    gaps.push(previous === undefined ? 0 : Math.min(GAP_MAX_MS, Math.max(0, Math.round(at - previous))));
    previous = at;
    unit += ch.length;
  }
  return gaps;
}

/** How many leading entries of an ascending list are below `cutoff`. */
function countBefore(times: number[], cutoff: number): number {
  let n = 0;
  while (n < times.length && times[n]! < cutoff) n += 1;
  return n;
}

function codePointCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
