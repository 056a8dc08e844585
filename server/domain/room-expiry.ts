import { DeadlineQueue } from './deadline-queue.js';
import type { Room, Seat } from './room.js';

/** What a sweep asks of the registry: the two changes that emit events or drop a room. */
export interface ExpiryActions {
  /** The seat's presence ran out: unseat it (emitting `leave`). */
  unseat(seat: Seat, now: number): void;
  /** The seat has had no poll in flight for UNSTABLE_AFTER_MS and is still seated: emit `unstable`. */
  turnUnstable(seat: Seat, now: number): void;
  /** Some of the room's events expired at `now`: what they held (image bytes) goes with them. */
  eventsExpired(room: Room, now: number): void;
  /** The room stayed empty for `roomIdleMs`: forget it. */
  deleteRoom(room: Room): void;
  /** False for a room that was deleted (its deadlines may still pop). */
  isLive(room: Room): boolean;
}

/**
 * Every deadline of this process's rooms, one min-heap per kind: when each room's oldest
 * event expires, when each seat's presence runs out, when each empty room idles out. A
 * sweep visits only what is due, so 100,000 idle rooms cost nothing until their own hour.
 * Pure: it is told the time and schedules nothing.
 */
export class RoomExpiry {
  private readonly events = new DeadlineQueue<Room>();
  private readonly idleRooms = new DeadlineQueue<Room>();
  private readonly presence = new DeadlineQueue<Seat>();

  constructor(private readonly roomIdleMs: number) {}

  /** When `sweep()` next has something to do. */
  nextAt(): number | undefined {
    const next = Math.min(this.events.nextAt() ?? Infinity, this.idleRooms.nextAt() ?? Infinity, this.presence.nextAt() ?? Infinity);
    return next === Infinity ? undefined : next;
  }

  eventAppended(room: Room, expiresAt: number): void {
    this.events.schedule(room, expiresAt);
  }

  /** Nobody is seated from `now` on: the room goes after `roomIdleMs` unless someone joins. */
  roomEmptied(room: Room, now: number): void {
    room.emptySince = now;
    this.idleRooms.schedule(room, now + this.roomIdleMs);
  }

  roomSeated(room: Room): void {
    room.emptySince = undefined;
    this.idleRooms.cancel(room);
  }

  roomDeleted(room: Room): void {
    this.events.cancel(room);
    this.idleRooms.cancel(room);
  }

  /** Every seat has exactly one presence deadline, so the queue's size is the seat count. */
  get seatCount(): number {
    return this.presence.size;
  }

  /** The seat's `presentUntil` or `unstableAt` moved (later is free: the sweep re-checks it when it pops). */
  presenceMoved(seat: Seat): void {
    this.presence.schedule(seat, seatDeadline(seat));
  }

  seatGone(seat: Seat): void {
    this.presence.cancel(seat);
  }

  /**
   * Applies every deadline due at `now`: seats whose presence ran out are unseated, expired
   * events leave memory, rooms empty for `roomIdleMs` are deleted. Returns how many deadlines
   * came due (what the sweep cost).
   */
  sweep(now: number, actions: ExpiryActions): number {
    let due = 0;
    for (const seat of this.presence.popDue(now)) {
      due += 1;
      if (seat.room.seats.get(seat.id) !== seat) continue;
      // A seat whose presence ran out just leaves: `unstable` would only announce the `leave` beside it.
      if (seat.presentUntil <= now) {
        actions.unseat(seat, now);
        continue;
      }
      if (seat.unstableAt !== undefined && seat.unstableAt <= now) actions.turnUnstable(seat, now);
      this.presence.schedule(seat, seatDeadline(seat));
    }
    for (const room of this.events.popDue(now)) {
      due += 1;
      room.buffer.expire(now);
      actions.eventsExpired(room, now);
      const next = room.buffer.nextExpiryAt;
      if (next !== undefined) this.events.schedule(room, next);
    }
    for (const room of this.idleRooms.popDue(now)) {
      due += 1;
      if (room.emptySince === undefined || !actions.isLive(room)) continue;
      const idleUntil = room.emptySince + this.roomIdleMs;
      if (idleUntil > now) this.idleRooms.schedule(room, idleUntil);
      else actions.deleteRoom(room);
    }
    return due;
  }
}

/** A seat's one indexed deadline: the earlier of its presence timeout and its unstable timer. */
function seatDeadline(seat: Seat): number {
  return seat.unstableAt === undefined ? seat.presentUntil : Math.min(seat.presentUntil, seat.unstableAt);
}
