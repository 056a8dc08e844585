import type { PresenceState } from '../protocol.js';
import type { RoomBuffer } from './room-buffer.js';
import type { RoomImages } from './room-images.js';

/** One room as this process holds it: who is seated, and its events. */
export interface Room {
  readonly id: string;
  readonly capacity: number;
  readonly seats: Map<string, Seat>;
  readonly byToken: Map<string, Seat>;
  readonly buffer: RoomBuffer;
  /** The bytes of the room's live `image` events. */
  readonly images: RoomImages;
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
}
