import type { RoomExpiry } from './room-expiry.js';
import type { Seat } from './room.js';

/**
 * How long each seat stays present: joining, sending and polling keep a participant
 * present, a poll's lease keeps them present while it is held, and its end starts the
 * presence timeout. Every change lands in RoomExpiry's presence deadline, which the sweep
 * turns into a `leave`. Pure: it is told the time.
 */
export class SeatPresence {
  private leaseCount = 0;

  constructor(
    private readonly expiry: RoomExpiry,
    private readonly presenceTimeoutMs: number,
  ) {}

  /** A new seat is present for the usual timeout, as though its first poll had just ended. */
  joined(seat: Seat): void {
    this.expiry.presenceMoved(seat);
  }

  /** Sending is as plain a sign of presence as polling. */
  sent(seat: Seat, now: number): void {
    if (seat.presentUntil >= now + this.presenceTimeoutMs) return;
    seat.presentUntil = now + this.presenceTimeoutMs;
    this.expiry.presenceMoved(seat);
  }

  /** A poll opened: it takes a new lease, which displaces any older one. Returns the lease id. */
  pollOpened(seat: Seat, now: number, holdMs: number): string {
    this.leaseCount += 1;
    seat.leaseId = String(this.leaseCount);
    // The poll may be held `holdMs`; the participant stays present that long and the usual timeout after.
    seat.presentUntil = Math.max(seat.presentUntil, now + holdMs + this.presenceTimeoutMs);
    this.expiry.presenceMoved(seat);
    return seat.leaseId;
  }

  /** A poll ended; only the current lease's end starts the presence timeout. */
  pollClosed(seat: Seat, leaseId: string, now: number): void {
    // An older poll that a newer one replaced ends without shortening the newer one's lease.
    if (seat.leaseId !== leaseId) return;
    seat.leaseId = undefined;
    seat.presentUntil = now + this.presenceTimeoutMs;
    this.expiry.presenceMoved(seat);
  }
}
