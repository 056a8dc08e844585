import { randomBytes } from 'node:crypto';
import type { ChatEvent, EventType, ParticipantInfo } from '../../server/protocol.js';

// The same defaults as Phantachat's (docs/protocol.md), so both hold and expire alike.
export const FLOOR_TTL_MS = 10_000;
export const FLOOR_HOLD_MS = 25_000;
// Phantachat's OWN_ECHO_DELAY_MS: a poller's own events ride along or come after this long.
const OWN_ECHO_DELAY_MS = 1_000;

/** Where a held poll's answer goes; the server passes a function that writes the response. */
export type Answer = (events: ChatEvent[], cursor: string, reset: boolean) => void;

export interface FloorSeat {
  readonly id: string;
  readonly token: string;
  readonly name: string;
  readonly room: FloorRoom;
  lastSeq: number;
  lastId: string;
  held: HeldPoll | undefined;
}

interface HeldPoll {
  afterSeq: number;
  answer: Answer;
  holdTimer: NodeJS.Timeout;
  echoTimer: NodeJS.Timeout | undefined;
}

/**
 * One room of the floor server: an append-only list of live events with Phantachat's
 * cursor (`<epoch>.<seq>`), seats, and at most one held poll per seat. Nothing else:
 * no presence, no idle expiry, no rate limits, so it shows what node:http itself costs.
 */
export class FloorRoom {
  readonly seats: FloorSeat[] = [];
  private readonly epoch = randomBytes(4).toString('hex');
  private readonly events: ChatEvent[] = [];
  /** seq of events[0]; seq n is the cursor just after the n-th event ever appended. */
  private firstSeq = 1;

  constructor(
    readonly id: string,
    readonly capacity: number,
  ) {}

  get lastSeq(): number {
    return this.firstSeq + this.events.length - 1;
  }

  cursor(seq: number): string {
    return `${this.epoch}.${seq}`;
  }

  participants(): ParticipantInfo[] {
    return this.seats.map((s) => ({ id: s.id, name: s.name }));
  }

  append(seat: FloorSeat, type: EventType, text?: string): ChatEvent {
    const now = Date.now();
    this.expire(now);
    const id = this.cursor(this.lastSeq + 1);
    const event: ChatEvent = { id, type, from: seat.id, name: seat.name, ...(text === undefined ? {} : { text }), at: now, expiresAt: now + FLOOR_TTL_MS };
    this.events.push(event);
    for (const other of this.seats) {
      const held = other.held;
      if (held === undefined) continue;
      if (other !== seat) this.answerHeld(other);
      else held.echoTimer ??= setTimeout(() => this.answerHeld(other), OWN_ECHO_DELAY_MS);
    }
    return event;
  }

  /**
   * Answers at once when any event is after `cursor`, else holds up to `holdMs`; while
   * held, only someone else's event answers at once (Phantachat's rule, docs/protocol.md).
   */
  poll(seat: FloorSeat, cursor: string | undefined, holdMs: number, answer: Answer): void {
    this.expire(Date.now());
    const dot = cursor?.indexOf('.') ?? -1;
    const sameEpoch = cursor !== undefined && cursor.slice(0, dot) === this.epoch;
    const reset = cursor !== undefined && !sameEpoch;
    const afterSeq = sameEpoch ? Number(cursor.slice(dot + 1)) : this.firstSeq - 1;
    if (seat.held !== undefined) this.answerHeld(seat, true);
    const pending = this.after(afterSeq);
    if (reset || pending.length > 0 || holdMs <= 0) {
      answer(pending, this.cursor(Math.max(afterSeq, this.lastSeq)), reset);
      return;
    }
    seat.held = {
      afterSeq,
      answer,
      holdTimer: setTimeout(() => this.answerHeld(seat, true), holdMs),
      echoTimer: undefined,
    };
  }

  /** The client went away: drop its held poll and timers without answering. */
  abandon(seat: FloorSeat, answer: Answer): void {
    if (seat.held?.answer === answer) this.release(seat);
  }

  private answerHeld(seat: FloorSeat, empty = false): void {
    const held = seat.held;
    if (held === undefined) return;
    this.release(seat);
    const events = empty ? [] : this.after(held.afterSeq);
    held.answer(events, this.cursor(empty ? held.afterSeq : Math.max(held.afterSeq, this.lastSeq)), false);
  }

  private release(seat: FloorSeat): void {
    const held = seat.held!;
    clearTimeout(held.holdTimer);
    clearTimeout(held.echoTimer);
    seat.held = undefined;
  }

  private after(seq: number): ChatEvent[] {
    return this.events.slice(Math.max(0, seq - this.firstSeq + 1));
  }

  private expire(now: number): void {
    let n = 0;
    while (n < this.events.length && this.events[n]!.expiresAt <= now) n += 1;
    if (n === 0) return;
    this.events.splice(0, n);
    this.firstSeq += n;
  }
}

/** 128 random bits, URL-safe: ids and tokens alike. */
export function floorId(): string {
  return randomBytes(16).toString('base64url');
}
