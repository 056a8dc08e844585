import type { ChatEvent, ImageInfo, ParticipantInfo, PresenceState } from '../protocol.js';
import type { ByteBudget } from './byte-budget.js';
import type { Cursor } from './cursor.js';
import { DeadlineQueue } from './deadline-queue.js';
import { RoomBuffer, type BufferRead, type NewEvent } from './room-buffer.js';
import { RoomError } from './room-error.js';
import { RoomImages, type StoredImage } from './room-images.js';
import { EPOCH_BYTES, PARTICIPANT_ID_BYTES, randomId, TOKEN_BYTES, type RandomId } from './random-id.js';

export interface RegistryOptions {
  now: () => number;
  ttlMs: number;
  presenceTimeoutMs: number;
  roomIdleMs: number;
  maxEventsPerRoom: number;
  maxRooms: number;
  randomId?: RandomId;
  /** Most live image bytes in one room (ROOM_IMAGE_BYTES); unlimited when absent. */
  maxRoomImageBytes?: number;
  /** The process's image bytes (PROCESS_IMAGE_BYTES), which live images hold until they expire. */
  imageBudget?: ByteBudget;
}

interface Seat {
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

interface Room {
  readonly id: string;
  readonly capacity: number;
  readonly seats: Map<string, Seat>;
  readonly byToken: Map<string, Seat>;
  readonly buffer: RoomBuffer;
  readonly images: RoomImages;
  /** Set while nobody is seated. */
  emptySince: number | undefined;
}

export interface Joined {
  participant: string;
  token: string;
  name: string;
  cursor: string;
  room: string;
  capacity: number;
  participants: ParticipantInfo[];
}

/**
 * Every room of this process: seats, tokens, event buffers, presence and expiry.
 * Pure: it reads the clock it is given and sets no timer; whoever holds it calls
 * `sweep()` at `nextDeadline()` (and every operation sweeps what is already due).
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly bufferExpiry = new DeadlineQueue<Room>();
  private readonly roomExpiry = new DeadlineQueue<Room>();
  private readonly presenceExpiry = new DeadlineQueue<Seat>();
  private readonly randomId: RandomId;
  private leaseCount = 0;
  private woken = new Set<string>();

  constructor(private readonly options: RegistryOptions) {
    this.randomId = options.randomId ?? randomId;
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  createRoom(id: string, capacity: number): boolean {
    this.sweep();
    if (this.rooms.has(id)) return false;
    if (this.rooms.size >= this.options.maxRooms) throw new RoomError('server-full');
    const now = this.options.now();
    const room: Room = {
      id,
      capacity,
      seats: new Map(),
      byToken: new Map(),
      buffer: new RoomBuffer(this.randomId(EPOCH_BYTES), this.options.ttlMs),
      images: new RoomImages(),
      emptySince: now,
    };
    this.rooms.set(id, room);
    this.roomExpiry.schedule(room, now + this.options.roomIdleMs);
    return true;
  }

  getRoom(id: string): { room: string; capacity: number; participants: ParticipantInfo[] } | undefined {
    this.sweep();
    const room = this.rooms.get(id);
    return room && { room: room.id, capacity: room.capacity, participants: participantsOf(room) };
  }

  join(id: string, name: string): Joined {
    const room = this.room(id);
    if (room.seats.size >= room.capacity) throw new RoomError('room-full');
    const now = this.options.now();
    const seat: Seat = {
      id: this.unusedParticipantId(room),
      name,
      token: this.randomId(TOKEN_BYTES),
      room,
      lastSeq: -1,
      lastEventId: undefined,
      state: 'here',
      leaseId: undefined,
      presentUntil: now + this.options.presenceTimeoutMs,
    };
    const cursor = room.buffer.cursor;
    room.seats.set(seat.id, seat);
    room.byToken.set(seat.token, seat);
    room.emptySince = undefined;
    this.roomExpiry.cancel(room);
    this.presenceExpiry.schedule(seat, seat.presentUntil);
    this.append(room, { type: 'join', from: seat.id, name: seat.name }, now);
    return {
      participant: seat.id,
      token: seat.token,
      name: seat.name,
      cursor,
      room: room.id,
      capacity: room.capacity,
      participants: participantsOf(room),
    };
  }

  authenticate(id: string, token: string): { participant: string; name: string } {
    const seat = this.seat(id, token);
    return { participant: seat.id, name: seat.name };
  }

  send(id: string, token: string, text: string, seq: number | undefined): { id: string } {
    const seat = this.seat(id, token);
    if (seq !== undefined && seq <= seat.lastSeq && seat.lastEventId !== undefined) return { id: seat.lastEventId };
    if (seat.room.buffer.size >= this.options.maxEventsPerRoom) throw new RoomError('room-busy');
    const event = this.append(seat.room, { type: 'text', from: seat.id, name: seat.name, text }, this.options.now());
    if (seq !== undefined) seat.lastSeq = seq;
    seat.lastEventId = event.id;
    return { id: event.id };
  }

  /** Appends an `image` event and keeps the bytes until it expires, within the room's and the process's byte budgets. */
  shareImage(id: string, token: string, image: StoredImage): ChatEvent {
    const seat = this.seat(id, token);
    const room = seat.room;
    const bytes = image.data.byteLength;
    if (room.buffer.size >= this.options.maxEventsPerRoom) throw new RoomError('room-busy');
    if (room.images.bytes + bytes > (this.options.maxRoomImageBytes ?? Infinity)) throw new RoomError('room-images-full');
    if (this.options.imageBudget?.take(bytes) === false) throw new RoomError('server-images-full');
    const info: ImageInfo = { ...image.info };
    const event = this.append(room, { type: 'image', from: seat.id, name: seat.name, image: info }, this.options.now());
    room.images.add({ info, data: image.data }, event.expiresAt);
    return event;
  }

  /** A live image of the token's room; undefined once it has expired (or was never there). */
  getImage(id: string, token: string, imageId: string): StoredImage | undefined {
    return this.seat(id, token).room.images.get(imageId, this.options.now());
  }

  /** True when the state changed (and an event was appended). */
  setPresence(id: string, token: string, state: PresenceState): boolean {
    const seat = this.seat(id, token);
    if (seat.state === state) return false;
    if (seat.room.buffer.size >= this.options.maxEventsPerRoom) throw new RoomError('room-busy');
    seat.state = state;
    this.append(seat.room, { type: state === 'away' ? 'away' : 'back', from: seat.id, name: seat.name }, this.options.now());
    return true;
  }

  leave(id: string, token: string): void {
    this.unseat(this.seat(id, token), this.options.now());
  }

  openPoll(id: string, token: string, cursor: Cursor | undefined, holdMs: number, limit: number): BufferRead & { participant: string; leaseId: string } {
    const seat = this.seat(id, token);
    const now = this.options.now();
    this.leaseCount += 1;
    seat.leaseId = String(this.leaseCount);
    // The poll may be held `holdMs`; the participant stays present that long and the usual timeout after.
    seat.presentUntil = Math.max(seat.presentUntil, now + holdMs + this.options.presenceTimeoutMs);
    this.presenceExpiry.schedule(seat, seat.presentUntil);
    return { ...seat.room.buffer.read(cursor, now, limit), participant: seat.id, leaseId: seat.leaseId };
  }

  read(id: string, cursor: Cursor | undefined, limit: number): BufferRead {
    return this.room(id).buffer.read(cursor, this.options.now(), limit);
  }

  closePoll(id: string, participant: string, leaseId: string): void {
    this.sweep();
    const seat = this.rooms.get(id)?.seats.get(participant);
    // An older poll that a newer one replaced ends without shortening the newer one's lease.
    if (seat === undefined || seat.leaseId !== leaseId) return;
    seat.leaseId = undefined;
    seat.presentUntil = this.options.now() + this.options.presenceTimeoutMs;
    this.presenceExpiry.schedule(seat, seat.presentUntil);
  }

  /** When `sweep()` next has something to do. */
  nextDeadline(): number | undefined {
    const next = Math.min(this.bufferExpiry.nextAt() ?? Infinity, this.roomExpiry.nextAt() ?? Infinity, this.presenceExpiry.nextAt() ?? Infinity);
    return next === Infinity ? undefined : next;
  }

  /**
   * Rooms that gained events since the last call, whose waiting polls should wake.
   * Every operation appends to it (sweeps included), so the holder drains it after each.
   */
  takeWoken(): Set<string> | undefined {
    if (this.woken.size === 0) return undefined; // the common case: no new Set per operation
    const woken = this.woken;
    this.woken = new Set();
    return woken;
  }

  /**
   * Applies every deadline that is due: participants time out (emitting `leave`),
   * expired events are dropped, idle rooms are deleted.
   */
  sweep(): void {
    const now = this.options.now();
    // Every operation sweeps first; nearly always nothing is due, and that must cost nothing.
    if ((this.nextDeadline() ?? Infinity) > now) return;
    for (const seat of this.presenceExpiry.popDue(now)) {
      if (seat.room.seats.get(seat.id) !== seat) continue;
      if (seat.presentUntil > now) this.presenceExpiry.schedule(seat, seat.presentUntil);
      else this.unseat(seat, now);
    }
    for (const room of this.bufferExpiry.popDue(now)) {
      room.buffer.expire(now);
      this.releaseImages(room, now);
      const next = room.buffer.nextExpiryAt;
      if (next !== undefined) this.bufferExpiry.schedule(room, next);
    }
    for (const room of this.roomExpiry.popDue(now)) {
      if (room.emptySince === undefined || this.rooms.get(room.id) !== room) continue;
      const idleUntil = room.emptySince + this.options.roomIdleMs;
      if (idleUntil > now) this.roomExpiry.schedule(room, idleUntil);
      else this.deleteRoom(room);
    }
  }

  private releaseImages(room: Room, now: number): void {
    const freed = room.images.expire(now);
    if (freed > 0) this.options.imageBudget?.give(freed);
  }

  private deleteRoom(room: Room): void {
    this.releaseImages(room, Infinity);
    this.rooms.delete(room.id);
    this.bufferExpiry.cancel(room);
    this.roomExpiry.cancel(room);
  }

  private unseat(seat: Seat, now: number): void {
    const room = seat.room;
    room.seats.delete(seat.id);
    room.byToken.delete(seat.token);
    this.presenceExpiry.cancel(seat);
    this.append(room, { type: 'leave', from: seat.id, name: seat.name }, now);
    if (room.seats.size === 0) {
      room.emptySince = now;
      this.roomExpiry.schedule(room, now + this.options.roomIdleMs);
    }
  }

  private append(room: Room, event: NewEvent, now: number): ChatEvent {
    const stored = room.buffer.append(event, now);
    this.woken.add(room.id);
    this.bufferExpiry.schedule(room, stored.expiresAt);
    return stored;
  }

  private room(id: string): Room {
    this.sweep();
    const room = this.rooms.get(id);
    if (room === undefined) throw new RoomError('room-not-found');
    return room;
  }

  private seat(id: string, token: string): Seat {
    this.sweep();
    const seat = this.rooms.get(id)?.byToken.get(token);
    if (seat === undefined) throw new RoomError('bad-token');
    return seat;
  }

  private unusedParticipantId(room: Room): string {
    for (;;) {
      const id = this.randomId(PARTICIPANT_ID_BYTES);
      if (!room.seats.has(id)) return id;
    }
  }
}

function participantsOf(room: Room): ParticipantInfo[] {
  return [...room.seats.values()].map((seat) => ({ id: seat.id, name: seat.name }));
}
