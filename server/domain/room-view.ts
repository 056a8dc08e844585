import type { JoinResponse, ParticipantInfo, Untimed } from '../protocol.js';
import type { Room, Seat } from './room.js';

/** A room as its participants see it; the first participant seated is its host. */
export interface RoomView {
  room: string;
  capacity: number;
  participants: ParticipantInfo[];
  /** Participant id of the host; undefined while nobody is seated. */
  host: string | undefined;
  locked: boolean;
}

export function participantsOf(room: Room): ParticipantInfo[] {
  return [...room.seats.values()].map((seat) => ({ id: seat.id, name: seat.name }));
}

/** The longest-seated participant (a Map iterates in insertion order); the next one takes over when it goes. */
export function hostOf(room: Room): Seat | undefined {
  return room.seats.values().next().value;
}

export function viewOf(room: Room): RoomView {
  return { room: room.id, capacity: room.capacity, participants: participantsOf(room), host: hostOf(room)?.id, locked: room.locked };
}

/** The join answer for `seat`, with the cursor it joined at (a keyed retry gets the first join's). */
export function joinedOf(seat: Seat, cursor: string): Untimed<JoinResponse> {
  const room = seat.room;
  return { participant: seat.id, token: seat.token, name: seat.name, cursor, capacity: room.capacity, participants: participantsOf(room), host: hostOf(room)?.id ?? seat.id };
}
