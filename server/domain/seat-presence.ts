import type { ConnectionState } from '../protocol.js';
import type { RoomExpiry } from './room-expiry.js';
import type { Seat } from './room.js';

/** Appends the seat's `unstable` or `steady` event to its room. */
export type AnnounceConnection = (seat: Seat, state: ConnectionState, now: number) => void;

/**
 * How long each seat stays present, and whether its connection looks steady: joining,
 * sending and polling keep a participant present, a poll's lease keeps them present while
 * it is held, and its end starts the presence timeout and the unstable timer. Every change
 * lands in RoomExpiry's one deadline per seat (the earlier of the two), which the sweep
 * turns into `leave` or `unstable`. Pure: it is told the time.
 */
export class SeatPresence {
  private leaseCount = 0;

  constructor(
    private readonly expiry: RoomExpiry,
    private readonly presenceTimeoutMs: number,
    /** UNSTABLE_AFTER_MS; Infinity turns partner state off. */
    private readonly unstableAfterMs: number,
    private readonly announce: AnnounceConnection,
  ) {}

  /** A new seat is present for the usual timeout; it is not timed for `unstable` until a poll of its own ends. */
  joined(seat: Seat): void {
    this.expiry.presenceMoved(seat);
  }

  /** Sending is as plain a sign of presence as polling (but not a poll in flight: it does not steady the connection). */
  sent(seat: Seat, now: number): void {
    if (seat.presentUntil >= now + this.presenceTimeoutMs) return;
    seat.presentUntil = now + this.presenceTimeoutMs;
    this.expiry.presenceMoved(seat);
  }

  /** A poll opened: it takes a new lease, which displaces any older one, and steadies an unstable connection. Returns the lease id. */
  pollOpened(seat: Seat, now: number, holdMs: number): string {
    this.leaseCount += 1;
    seat.leaseId = String(this.leaseCount);
    seat.unstableAt = undefined;
    if (seat.connection === 'unstable') {
      seat.connection = 'steady';
      this.announce(seat, 'steady', now);
    }
    // The poll may be held `holdMs`; the participant stays present that long and the usual timeout after.
    seat.presentUntil = Math.max(seat.presentUntil, now + holdMs + this.presenceTimeoutMs);
    this.expiry.presenceMoved(seat);
    return seat.leaseId;
  }

  /** A poll ended; only the current lease's end starts the presence timeout and the unstable timer. */
  pollClosed(seat: Seat, leaseId: string, now: number): void {
    // An older poll that a newer one replaced ends without shortening the newer one's lease.
    if (seat.leaseId !== leaseId) return;
    seat.leaseId = undefined;
    seat.presentUntil = now + this.presenceTimeoutMs;
    if (seat.connection === 'steady') seat.unstableAt = now + this.unstableAfterMs;
    this.expiry.presenceMoved(seat);
  }

  /** The sweep found the seat's unstable timer run out while it is still seated. */
  turnUnstable(seat: Seat, now: number): void {
    seat.unstableAt = undefined;
    seat.connection = 'unstable';
    this.announce(seat, 'unstable', now);
  }
}
