import type { ChatEvent, ImageInfo, JoinResponse, ParticipantInfo, PollResponse, PresenceState, SendResponse, Untimed } from '../protocol.js';
import type { Cursor } from './cursor.js';
import { DEFAULT_JOIN_KEY_WINDOW_MS, type RegistryOptions } from './registry-options.js';
import { RoomBuffer, type NewEvent } from './room-buffer.js';
import { RoomError } from './room-error.js';
import { RoomExpiry, type ExpiryActions } from './room-expiry.js';
import type { Room, Seat } from './room.js';
import { RoomImages, type StoredImage } from './room-images.js';
import { hostOf, joinedOf, viewOf, type RoomView } from './room-view.js';
import { SeatPresence } from './seat-presence.js';
import { fullAllowance, takeSend } from './send-allowance.js';
import { EPOCH_BYTES, PARTICIPANT_ID_BYTES, randomId, TOKEN_BYTES, type RandomId } from './random-id.js';


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
  private readonly presence: SeatPresence;
  private readonly randomId: RandomId;
  private woken = new Set<string>();

  constructor(private readonly options: RegistryOptions) {
    this.randomId = options.randomId ?? randomId;
    this.expiry = new RoomExpiry(options.roomIdleMs);
    this.presence = new SeatPresence(this.expiry, options.presenceTimeoutMs, options.unstableAfterMs ?? Infinity, (seat, state, now) => {
      // Like `leave`, connection news is not refused when the buffer is full: a seat makes at most two per UNSTABLE_AFTER_MS.
      this.append(seat.room, { type: state, from: seat.id, name: seat.name }, now);
    });
    this.expiryActions = {
      unseat: (seat, now) => this.unseat(seat, now),
      turnUnstable: (seat, now) => this.presence.turnUnstable(seat, now),
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
      joinKeys: undefined,
      locked: false,
      emptySince: undefined,
    };
    this.rooms.set(id, room);
    this.expiry.roomEmptied(room, now);
    return true;
  }

  getRoom(id: string): RoomView | undefined {
    this.sweep();
    const room = this.rooms.get(id);
    return room && viewOf(room);
  }

  /**
   * Seats a participant. A `key` makes the join idempotent: the same key within
   * joinKeyWindowMs returns the same seat and token (a retry after a lost answer).
   */
  join(id: string, name: string, key?: string): Untimed<JoinResponse> {
    const room = this.room(id);
    const now = this.options.now();
    const earlier = key === undefined ? undefined : room.joinKeys?.get(key);
    if (earlier !== undefined && earlier.joinKeyUntil > now) return joinedOf(earlier, earlier.joinCursor);
    if (room.locked) throw new RoomError('room-locked');
    if (room.seats.size >= room.capacity) throw new RoomError('room-full');
    const cursor = room.buffer.cursor;
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
      connection: 'steady',
      unstableAt: undefined,
      allowance: this.options.sendRate && fullAllowance(this.options.sendRate, now),
      joinKey: key,
      joinKeyUntil: now + (this.options.joinKeyWindowMs ?? DEFAULT_JOIN_KEY_WINDOW_MS),
      joinCursor: cursor,
    };
    if (key !== undefined) {
      if (earlier !== undefined) earlier.joinKey = undefined; // its window is over: the key makes a new seat
      (room.joinKeys ??= new Map()).set(key, seat);
    }
    room.seats.set(seat.id, seat);
    room.byToken.set(seat.token, seat);
    this.expiry.roomSeated(room);
    this.presence.joined(seat);
    this.append(room, { type: 'join', from: seat.id, name: seat.name }, now);
    return joinedOf(seat, cursor);
  }

  /** The host removes a participant and locks the room, so the link cannot bring them back. */
  kick(id: string, token: string, participant: string): void {
    const host = this.hostSeat(id, token);
    const target = host.room.seats.get(participant);
    if (target === undefined) throw new RoomError('participant-not-found');
    if (target === host) throw new RoomError('kick-self');
    host.room.locked = true;
    this.unseat(target, this.options.now());
  }

  /** The host opens or closes the room to new joins. */
  setLocked(id: string, token: string, locked: boolean): void {
    this.hostSeat(id, token).room.locked = locked;
  }

  authenticate(id: string, token: string): ParticipantInfo {
    const seat = this.seat(id, token);
    return { id: seat.id, name: seat.name };
  }

  send(id: string, token: string, text: string, seq: number | undefined, gaps?: number[]): SendResponse {
    const seat = this.seat(id, token);
    if (seq !== undefined && seq <= seat.lastSeq && seat.lastEventId !== undefined) return { id: seat.lastEventId };
    if (seat.room.buffer.size >= this.options.maxEventsPerRoom) throw new RoomError('room-busy');
    const now = this.options.now();
    if (seat.allowance !== undefined && this.options.sendRate !== undefined) {
      const waitMs = takeSend(seat.allowance, this.options.sendRate, codePoints(text), now);
      if (waitMs > 0) throw new RoomError('rate-limited', waitMs);
    }
    this.presence.sent(seat, now);
    const event = this.append(seat.room, { type: 'text', from: seat.id, name: seat.name, text, ...(gaps === undefined ? {} : { gaps: [...gaps] }) }, now);
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
    const leaseId = this.presence.pollOpened(seat, now, holdMs);
    return { ...seat.room.buffer.read(cursor, now, limit, this.options.pollMaxBytes), participant: seat.id, leaseId };
  }

  read(id: string, cursor: Cursor | undefined, limit: number): PollResponse {
    return this.room(id).buffer.read(cursor, this.options.now(), limit, this.options.pollMaxBytes);
  }

  closePoll(id: string, participant: string, leaseId: string): void {
    this.sweep();
    const seat = this.rooms.get(id)?.seats.get(participant);
    if (seat !== undefined) this.presence.pollClosed(seat, leaseId, this.options.now());
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
    if (seat.joinKey !== undefined) room.joinKeys?.delete(seat.joinKey);
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

  private hostSeat(id: string, token: string): Seat {
    const seat = this.seat(id, token);
    if (hostOf(seat.room) !== seat) throw new RoomError('not-host');
    return seat;
  }

  private unusedParticipantId(room: Room): string {
    for (;;) {
      const id = this.randomId(PARTICIPANT_ID_BYTES);
      if (!room.seats.has(id)) return id;
    }
  }
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
