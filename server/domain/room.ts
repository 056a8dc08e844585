import type { ConnectionState, PresenceState } from '../protocol.js';
import type { RoomBuffer } from './room-buffer.js';
import type { RoomImages } from './room-images.js';
import type { Allowance } from './send-allowance.js';

/** One room as this process holds it: who is seated, and its events. */
export interface Room {
  readonly id: string;
  readonly capacity: number;
  readonly seats: Map<string, Seat>;
  readonly byToken: Map<string, Seat>;
  readonly buffer: RoomBuffer;
  /** The bytes of the room's live `image` events. */
  readonly images: RoomImages;
  /** Seats by the join key that made them; made at the first keyed join, as most rooms never see one. */
  joinKeys: Map<string, Seat> | undefined;
  /** Set by the host: no new participant may join. */
  locked: boolean;
  /** Set while nobody is seated. */
  emptySince: number | undefined;
}

/** A participant's place in a room: their token, last send, presence and poll lease. */
export interface Seat {
  readonly id: string;
  readonly name: string;
  readonly token: string;
  readonly room: Room;
  lastSeq: number;
  lastEventId: string | undefined;
  state: PresenceState;
  leaseId: string | undefined;
  /** Gone once `now` reaches this with no poll in flight. */
  presentUntil: number;
  /** What the others were last told of this participant's connection (`unstable`/`steady` events). */
  connection: ConnectionState;
  /** Turns `unstable` at this moment unless a poll opens first; undefined while a poll is in flight, before the first poll ends, or once unstable. */
  unstableAt: number | undefined;
  /** What is left of the participant's send rate (SENDS_PER_SECOND, SEND_CHARS_PER_SECOND). */
  allowance: Allowance | undefined;
  /** The join that made this seat, for a retry with the same key until `joinKeyUntil`. */
  joinKey: string | undefined;
  joinKeyUntil: number;
  joinCursor: string;
}
