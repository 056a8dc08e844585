import type { ChatEvent, PollResponse } from '../protocol.js';
import { formatCursor, type Cursor } from './cursor.js';

export type NewEvent = Omit<ChatEvent, 'id' | 'at' | 'expiresAt'>;

/**
 * A room's events in one total order, oldest first. Every event lives the same
 * `ttlMs`, so expiry order is append order and expiring is a cheap shift from the front.
 */
export class RoomBuffer {
  private events: ChatEvent[] = [];
  /** Each event's size as answered (its JSON in UTF-8), parallel to `events`, for the answer byte cap. */
  private sizes: number[] = [];
  private head = 0; // index of the oldest live event; the array is compacted lazily
  private seq = 0;

  constructor(
    readonly epoch: string,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.events.length - this.head;
  }

  /** The cursor after the newest event. */
  get cursor(): string {
    return formatCursor({ epoch: this.epoch, seq: this.seq });
  }

  /** When the oldest live event expires, if there is one. */
  get nextExpiryAt(): number | undefined {
    return this.events[this.head]?.expiresAt;
  }

  append(event: NewEvent, now: number): ChatEvent {
    this.seq += 1;
    const stored: ChatEvent = {
      id: formatCursor({ epoch: this.epoch, seq: this.seq }),
      type: event.type,
      from: event.from,
      name: event.name,
      ...(event.text === undefined ? {} : { text: event.text }),
      ...(event.gaps === undefined ? {} : { gaps: event.gaps }),
      ...(event.image === undefined ? {} : { image: event.image }),
      at: now,
      expiresAt: now + this.ttlMs,
    };
    this.events.push(stored);
    this.sizes.push(Buffer.byteLength(JSON.stringify(stored)));
    return stored;
  }

  /** Drops every event with `expiresAt <= now`; returns how many went. */
  expire(now: number): number {
    let expired = 0;
    while (this.head < this.events.length && this.events[this.head]!.expiresAt <= now) {
      this.events[this.head] = undefined as unknown as ChatEvent; // let the text be collected now
      this.head += 1;
      expired += 1;
    }
    // Compact once the dead prefix is at least half the array: amortised O(1) per event.
    if (this.head > 0 && this.head * 2 >= this.events.length) {
      this.events = this.events.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
    return expired;
  }

  /**
   * Live events after `cursor` (all live events when it is undefined or from another
   * epoch), at most `limit` of them and, but for the first, at most `maxBytes` of event
   * JSON, and the cursor to poll from next.
   */
  read(cursor: Cursor | undefined, now: number, limit: number, maxBytes = Infinity): PollResponse {
    const reset = cursor !== undefined && (cursor.epoch !== this.epoch || cursor.seq > this.seq);
    const after = cursor === undefined || reset ? 0 : cursor.seq;
    const events: ChatEvent[] = [];
    // Seqs are contiguous in the array, so the first event after `after` is found by arithmetic.
    const oldestSeq = this.seq - this.size + 1;
    let i = this.head + Math.max(0, after - oldestSeq + 1);
    let bytes = 0;
    for (; i < this.events.length && events.length < limit; i += 1) {
      const event = this.events[i]!;
      if (event.expiresAt <= now) continue;
      bytes += this.sizes[i]!;
      // The first event always goes, however large, so a reader always moves on.
      if (bytes > maxBytes && events.length > 0) break;
      events.push(event);
    }
    const last = events[events.length - 1];
    const next = last !== undefined ? last.id : reset || cursor === undefined ? this.cursor : formatCursor(cursor);
    return reset ? { events, cursor: next, reset: true } : { events, cursor: next };
  }
}
