import type { Cursor } from '../domain/cursor.js';
import type { OpenPoll, ReadResult, RoomSignal, RoomStore } from '../store/room-store.js';
import { systemTimers, type Timers } from '../store/timers.js';

export interface PollRequest {
  room: string;
  token: string;
  cursor: Cursor | undefined;
  /** How long to hold when nothing is new; already capped at POLL_HOLD_MS. */
  holdMs: number;
  limit: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export type PollEnd = 'events' | 'timeout' | 'aborted' | 'replaced' | 'shutdown';

/**
 * Held polls. Each settles exactly once, on the first of: events arrive, the hold
 * times out, the client aborts, a newer poll by the same participant replaces it, or
 * the server shuts down. Every path releases its timer, its store subscription, its
 * abort listener and its presence lease.
 */
export class PollHub {
  private readonly held = new Set<() => void>();
  private closing = false;

  constructor(
    private readonly store: RoomStore,
    private readonly timers: Timers = systemTimers,
    private readonly onEnd: (end: PollEnd) => void = () => {},
  ) {}

  /** Polls being held right now. */
  get size(): number {
    return this.held.size;
  }

  /** Answers every held poll at once (with no events) and every later poll without holding. */
  shutdown(): void {
    this.closing = true;
    for (const release of [...this.held]) release();
  }

  async poll(request: PollRequest): Promise<ReadResult> {
    const { room, cursor, limit } = request;
    // Subscribe before reading, so an event appended between the read and the hold is not missed.
    let pending = false;
    let onSignal: (signal: RoomSignal) => void = (signal) => {
      if (signal.type === 'events') pending = true;
    };
    const unsubscribe = this.store.subscribe(room, (signal) => onSignal(signal));
    let opened: OpenPoll;
    try {
      opened = await this.store.openPoll(room, request.token, cursor, request.holdMs, limit);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const { participant, leaseId } = opened;
    const lease = Number(leaseId);
    const empty: ReadResult = { events: [], cursor: opened.cursor, ...(opened.reset ? { reset: true } : {}) };

    return new Promise<ReadResult>((resolve) => {
      let settled = false;
      let reading = false;
      // eslint-disable-next-line prefer-const -- assigned last, but settle() can run before that
      let timer: unknown;
      const settle = (result: ReadResult, end: PollEnd): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) this.timers.clearTimeout(timer);
        unsubscribe();
        request.signal.removeEventListener('abort', onAbort);
        this.held.delete(release);
        this.store.closePoll(room, participant, leaseId).catch(() => {}); // the lease expires by itself
        this.onEnd(end);
        resolve(result);
      };
      const release = (): void => settle(empty, 'shutdown');
      const onAbort = (): void => settle(empty, 'aborted');
      const reread = (): void => {
        if (reading || settled) return;
        reading = true;
        pending = false;
        this.store.read(room, cursor, limit).then(
          (result) => {
            reading = false;
            if (result.events.length > 0) settle(result, 'events');
            else if (pending) reread();
          },
          () => {
            reading = false; // the store is failing; the timeout answers and the client polls again
          },
        );
      };
      onSignal = (signal) => {
        if (signal.type === 'events') reread();
        else if (signal.participant === participant && Number(signal.leaseId) > lease) settle(empty, 'replaced');
      };

      if (opened.events.length > 0) return settle({ ...empty, events: opened.events }, 'events');
      if (request.signal.aborted) return settle(empty, 'aborted');
      if (this.closing || request.holdMs <= 0) return settle(empty, this.closing ? 'shutdown' : 'timeout');
      this.held.add(release);
      request.signal.addEventListener('abort', onAbort);
      timer = this.timers.setTimeout(() => settle(empty, 'timeout'), request.holdMs);
      if (pending) reread();
    });
  }
}
