import type { ChatEvent, ImageInfo, JoinResponse, ParticipantInfo, PollResponse, PresenceState, RoomResponse, SendResponse, Untimed } from '../protocol.js';
import type { ByteBudget } from './byte-budget.js';
import type { Cursor } from './cursor.js';
import { RoomBuffer, type NewEvent } from './room-buffer.js';
import { RoomError } from './room-error.js';
import { RoomExpiry, type ExpiryActions } from './room-expiry.js';
import type { Room, Seat } from './room.js';
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

/** A poll the registry opened: what it read, and the lease that keeps its participant present. */
export interface OpenPoll extends PollResponse {
  participant: string;
  leaseId: string;
}

/**
 * Every room of this process: seats, tokens and event buffers; their deadlines live in
 * RoomExpiry. Pure: it reads the clock it is given and sets no timer; whoever holds it
 * calls `sweep()` at `nextDeadline()` (and every operation sweeps what is already due).
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly expiry: RoomExpiry;
  private readonly expiryActions: ExpiryActions;
  private readonly randomId: RandomId;
  private leaseCount = 0;
  private woken = new Set<string>();

  constructor(private readonly options: RegistryOptions) {
    this.randomId = options.randomId ?? randomId;
    this.expiry = new RoomExpiry(options.roomIdleMs);
    this.expiryActions = {
      unseat: (seat, now) => this.unseat(seat, now),
      deleteRoom: (room) => this.deleteRoom(room),
      eventsExpired: (room, now) => this.releaseImages(room, now),
      isLive: (room) => this.rooms.get(room.id) === room,
    };
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  get seatCount(): number {
    return this.expiry.seatCount;
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
      emptySince: undefined,
    };
    this.rooms.set(id, room);
    this.expiry.roomEmptied(room, now);
    return true;
  }

  getRoom(id: string): Untimed<RoomResponse> | undefined {
    this.sweep();
    const room = this.rooms.get(id);
    return room && { room: room.id, capacity: room.capacity, participants: participantsOf(room) };
  }

  join(id: string, name: string): Untimed<JoinResponse> {
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
    this.expiry.roomSeated(room);
    this.expiry.presenceMoved(seat);
    this.append(room, { type: 'join', from: seat.id, name: seat.name }, now);
    return {
      participant: seat.id,
      token: seat.token,
      name: seat.name,
      cursor,
      capacity: room.capacity,
      participants: participantsOf(room),
    };
  }

  authenticate(id: string, token: string): ParticipantInfo {
    const seat = this.seat(id, token);
    return { id: seat.id, name: seat.name };
  }

  send(id: string, token: string, text: string, seq: number | undefined): SendResponse {
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

  openPoll(id: string, token: string, cursor: Cursor | undefined, holdMs: number, limit: number): OpenPoll {
    const seat = this.seat(id, token);
    const now = this.options.now();
    this.leaseCount += 1;
    seat.leaseId = String(this.leaseCount);
    // The poll may be held `holdMs`; the participant stays present that long and the usual timeout after.
    seat.presentUntil = Math.max(seat.presentUntil, now + holdMs + this.options.presenceTimeoutMs);
    this.expiry.presenceMoved(seat);
    return { ...seat.room.buffer.read(cursor, now, limit), participant: seat.id, leaseId: seat.leaseId };
  }

  read(id: string, cursor: Cursor | undefined, limit: number): PollResponse {
    return this.room(id).buffer.read(cursor, this.options.now(), limit);
  }

  closePoll(id: string, participant: string, leaseId: string): void {
    this.sweep();
    const seat = this.rooms.get(id)?.seats.get(participant);
    // An older poll that a newer one replaced ends without shortening the newer one's lease.
    if (seat === undefined || seat.leaseId !== leaseId) return;
    seat.leaseId = undefined;
    seat.presentUntil = this.options.now() + this.options.presenceTimeoutMs;
    this.expiry.presenceMoved(seat);
  }

  /** When `sweep()` next has something to do. */
  nextDeadline(): number | undefined {
    return this.expiry.nextAt();
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
   * expired events are dropped, idle rooms are deleted. Returns how many came due.
   */
  sweep(): number {
    const now = this.options.now();
    // Every operation sweeps first; nearly always nothing is due, and that must cost nothing.
    if ((this.expiry.nextAt() ?? Infinity) > now) return 0;
    return this.expiry.sweep(now, this.expiryActions);
  }

  private releaseImages(room: Room, now: number): void {
    const freed = room.images.expire(now);
    if (freed > 0) this.options.imageBudget?.give(freed);
  }

  private deleteRoom(room: Room): void {
    this.releaseImages(room, Infinity);
    this.rooms.delete(room.id);
    this.expiry.roomDeleted(room);
  }

  private unseat(seat: Seat, now: number): void {
    const room = seat.room;
    room.seats.delete(seat.id);
    room.byToken.delete(seat.token);
    this.expiry.seatGone(seat);
    this.append(room, { type: 'leave', from: seat.id, name: seat.name }, now);
    if (room.seats.size === 0) this.expiry.roomEmptied(room, now);
  }

  private append(room: Room, event: NewEvent, now: number): ChatEvent {
    const stored = room.buffer.append(event, now);
    this.woken.add(room.id);
    this.expiry.eventAppended(room, stored.expiresAt);
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
