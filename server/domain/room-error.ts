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
  | 'unavailable'; // the store's backend (Redis) does not answer

export class RoomError extends Error {
  constructor(readonly code: RoomErrorCode) {
    super(code);
    this.name = 'RoomError';
  }
}
