import type { ChatEvent, ParticipantInfo, PresenceState } from '../protocol.js';
import type { Cursor } from './cursor.js';
import { DeadlineQueue } from './deadline-queue.js';
import { RoomBuffer, type BufferRead, type NewEvent } from './room-buffer.js';
import { RoomError } from './room-error.js';
import { fullAllowance, takeSend, type Allowance, type SendRateLimits } from './send-allowance.js';
import { EPOCH_BYTES, PARTICIPANT_ID_BYTES, randomId, TOKEN_BYTES, type RandomId } from './random-id.js';

export interface RegistryOptions {
  now: () => number;
  ttlMs: number;
  presenceTimeoutMs: number;
  roomIdleMs: number;
  maxEventsPerRoom: number;
  maxRooms: number;
  randomId?: RandomId;
  /** Per-participant send rate; unlimited when absent. */
  sendRate?: SendRateLimits;
  /** Most bytes of event JSON in one poll answer (but for its first event); unlimited when absent. */
  pollMaxBytes?: number;
  /** How long a join key returns the seat it made (idempotent join); 60 s when absent. */
  joinKeyWindowMs?: number;
}

const DEFAULT_JOIN_KEY_WINDOW_MS = 60_000;

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
  allowance: Allowance | undefined;
  /** The join that made this seat, for a retry with the same key until `joinKeyUntil`. */
  joinKey: string | undefined;
  joinKeyUntil: number;
  joinCursor: string;
}

interface Room {
  readonly id: string;
  readonly capacity: number;
  readonly seats: Map<string, Seat>;
  readonly byToken: Map<string, Seat>;
  readonly buffer: RoomBuffer;
  /** Seats by the join key that made them; made at the first keyed join, as most rooms never see one. */
  joinKeys: Map<string, Seat> | undefined;
  /** Set by the host: no new participant may join. */
  locked: boolean;
  /** Set while nobody is seated. */
  emptySince: number | undefined;
}

/** A room as its participants see it; the first participant seated is its host. */
export interface RoomView {
  room: string;
  capacity: number;
  participants: ParticipantInfo[];
  /** Participant id of the host; undefined while nobody is seated. */
  host: string | undefined;
  locked: boolean;
}

export interface Joined {
  participant: string;
  token: string;
  name: string;
  cursor: string;
  room: string;
  capacity: number;
  participants: ParticipantInfo[];
  /** The host's participant id (the joiner's own when it is the first seated). */
  host: string;
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
      joinKeys: undefined,
      locked: false,
      emptySince: now,
    };
    this.rooms.set(id, room);
    this.roomExpiry.schedule(room, now + this.options.roomIdleMs);
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
  join(id: string, name: string, key?: string): Joined {
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
    room.emptySince = undefined;
    this.roomExpiry.cancel(room);
    this.presenceExpiry.schedule(seat, seat.presentUntil);
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

  authenticate(id: string, token: string): { participant: string; name: string } {
    const seat = this.seat(id, token);
    return { participant: seat.id, name: seat.name };
  }

  send(id: string, token: string, text: string, seq: number | undefined): { id: string } {
    const seat = this.seat(id, token);
    if (seq !== undefined && seq <= seat.lastSeq && seat.lastEventId !== undefined) return { id: seat.lastEventId };
    if (seat.room.buffer.size >= this.options.maxEventsPerRoom) throw new RoomError('room-busy');
    const now = this.options.now();
    if (seat.allowance !== undefined && this.options.sendRate !== undefined) {
      const waitMs = takeSend(seat.allowance, this.options.sendRate, codePoints(text), now);
      if (waitMs > 0) throw new RoomError('rate-limited', waitMs);
    }
    // Sending is as plain a sign of presence as polling.
    if (seat.presentUntil < now + this.options.presenceTimeoutMs) {
      seat.presentUntil = now + this.options.presenceTimeoutMs;
      this.presenceExpiry.schedule(seat, seat.presentUntil);
    }
    const event = this.append(seat.room, { type: 'text', from: seat.id, name: seat.name, text }, now);
    if (seq !== undefined) seat.lastSeq = seq;
    seat.lastEventId = event.id;
    return { id: event.id };
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
    return { ...seat.room.buffer.read(cursor, now, limit, this.options.pollMaxBytes), participant: seat.id, leaseId: seat.leaseId };
  }

  read(id: string, cursor: Cursor | undefined, limit: number): BufferRead {
    return this.room(id).buffer.read(cursor, this.options.now(), limit, this.options.pollMaxBytes);
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

  private deleteRoom(room: Room): void {
    this.rooms.delete(room.id);
    this.bufferExpiry.cancel(room);
    this.roomExpiry.cancel(room);
  }

  private unseat(seat: Seat, now: number): void {
    const room = seat.room;
    room.seats.delete(seat.id);
    room.byToken.delete(seat.token);
    if (seat.joinKey !== undefined) room.joinKeys?.delete(seat.joinKey);
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

function participantsOf(room: Room): ParticipantInfo[] {
  return [...room.seats.values()].map((seat) => ({ id: seat.id, name: seat.name }));
}

/** The longest-seated participant (a Map iterates in insertion order); the next one takes over when it goes. */
function hostOf(room: Room): Seat | undefined {
  return room.seats.values().next().value;
}

function viewOf(room: Room): RoomView {
  return { room: room.id, capacity: room.capacity, participants: participantsOf(room), host: hostOf(room)?.id, locked: room.locked };
}

function joinedOf(seat: Seat, cursor: string): Joined {
  const room = seat.room;
  return { participant: seat.id, token: seat.token, name: seat.name, cursor, room: room.id, capacity: room.capacity, participants: participantsOf(room), host: hostOf(room)?.id ?? seat.id };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
