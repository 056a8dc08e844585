/**
 * Why a room operation was refused. The HTTP layer maps each code to a status and
 * a sentence; the domain never speaks HTTP.
 */
export type RoomErrorCode =
  | 'room-not-found'
  | 'room-full'
  | 'bad-token'
  | 'room-busy' // the room's buffer holds ROOM_MAX_EVENTS live events
  | 'server-full' // MAX_ROOMS rooms exist
  | 'room-images-full' // the room's live images hold ROOM_IMAGE_BYTES
  | 'server-images-full' // this process holds PROCESS_IMAGE_BYTES of images
  | 'unavailable' // the store's backend (Redis) does not answer
  | 'rate-limited' // the participant sends faster than its allowance (retryAfterMs says when it may again)
  | 'room-locked' // the host locked the room to new joins
  | 'not-host' // only the room's host may do this
  | 'participant-not-found' // no such participant is seated in the room
  | 'kick-self'; // the host tried to remove itself

export class RoomError extends Error {
  constructor(
    readonly code: RoomErrorCode,
    /** For 'rate-limited': how long until the refused request would be accepted. */
    readonly retryAfterMs?: number,
  ) {
    super(code);
    this.name = 'RoomError';
  }
}
