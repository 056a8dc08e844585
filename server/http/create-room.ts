import type { RoomIds } from '../room-ids.js';
import type { RoomStore } from '../store/room-store.js';

// With 64-bit ids a collision is a one-in-billions event; a few draws make it impossible in practice.
const MAX_ID_DRAWS = 5;

/** Creates a room under a fresh random id (used by POST /rooms and GET /). */
export async function createRoom(store: RoomStore, roomIds: RoomIds, capacity: number): Promise<string> {
  for (let draw = 0; draw < MAX_ID_DRAWS; draw += 1) {
    const room = roomIds.generate();
    if (await store.createRoom(room, capacity)) return room;
  }
  throw new Error('room id space exhausted');
}
