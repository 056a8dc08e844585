import type { ChatEvent, JoinResponse, ParticipantInfo, PollResponse, PresenceState, SendResponse, Untimed } from '../protocol.js';
import type { Cursor } from '../domain/cursor.js';
import type { OpenPoll } from '../domain/room-registry.js';
import type { StoredImage } from '../domain/room-images.js';

export type { StoredImage } from '../domain/room-images.js';

export { RoomError, type RoomErrorCode } from '../domain/room-error.js';
export type { OpenPoll } from '../domain/room-registry.js';

/**
 * What the HTTP layer needs from wherever rooms live (this process, or Redis).
 * Routes talk only to this interface. Every method may reject with a RoomError;
 * a store whose backend is unreachable rejects with RoomError('unavailable').
 * Answers are the wire's own shapes (server/protocol.ts), less the timing the HTTP
 * layer adds from its configuration.
 */
export interface RoomStore {
  /** False when the id is already taken (the caller draws another). */
  createRoom(room: string, capacity: number): Promise<boolean>;
  getRoom(room: string): Promise<RoomSnapshot | undefined>;
  /**
   * Seats a participant and emits `join`. Rejects 'room-not-found', 'room-locked' or
   * 'room-full'. A `key` seen within joinKeyWindowMs returns that join's seat and token again.
   */
  join(room: string, name: string, key?: string): Promise<Untimed<JoinResponse>>;
  /** The host removes `participant` (emitting its `leave`) and locks the room. Rejects 'not-host', 'participant-not-found', 'kick-self'. */
  kick(room: string, token: string, participant: string): Promise<void>;
  /** The host locks or unlocks the room to new joins. Rejects 'not-host'. */
  setLocked(room: string, token: string, locked: boolean): Promise<void>;
  /** Resolves the bearer token to its participant. Rejects 'bad-token' (also for another room's token). */
  authenticate(room: string, token: string): Promise<ParticipantInfo>;
  /**
   * Appends a `text` event and keeps the sender present; rejects 'rate-limited' (with
   * retryAfterMs) past the participant's send rate. A `seq` not greater than the participant's last accepted
   * one is a retry: no new event, and the id of the last accepted one is returned. `gaps`
   * (the typing cadence, already checked against `text`) goes on the event as it is.
   */
  send(room: string, token: string, text: string, seq?: number, gaps?: number[]): Promise<SendResponse>;
  /**
   * Appends an `image` event and keeps the bytes until its `expiresAt`, when they go with
   * the event. Rejects 'room-busy', 'room-images-full' (ROOM_IMAGE_BYTES) or, in memory,
   * 'server-images-full' (PROCESS_IMAGE_BYTES).
   */
  shareImage(room: string, token: string, image: StoredImage): Promise<SharedImage>;
  /** A live image of the room, for a participant's token; undefined once expired. Rejects 'bad-token'. */
  getImage(room: string, token: string, imageId: string): Promise<StoredImage | undefined>;
  /** Emits `away` or `back` only when the state changes. */
  setPresence(room: string, token: string, state: PresenceState): Promise<void>;
  /** Emits `leave`, frees the seat and kills the token. */
  leave(room: string, token: string): Promise<void>;
  /**
   * Authenticates, marks a poll in flight (which keeps the participant present for
   * `holdMs` more) and reads what is after `cursor`. Other polls held by the same
   * participant are told to give way through a 'poll' signal. Lease ids are decimal
   * integers that grow per participant, so a late signal never displaces a newer poll.
   */
  openPoll(room: string, token: string, cursor: Cursor | undefined, holdMs: number, limit: number): Promise<OpenPoll>;
  /** Reads again after a wake-up; no authentication (openPoll did it). */
  read(room: string, cursor: Cursor | undefined, limit: number): Promise<PollResponse>;
  /** Ends the poll's lease: the presence timeout counts from now. Never rejects. */
  closePoll(room: string, participant: string, leaseId: string): Promise<void>;
  /** Listens for a room's signals; returns the function that stops listening. */
  subscribe(room: string, listener: (signal: RoomSignal) => void): () => void;
  /** Live rooms and seated participants, for the operators' gauges (GET /metrics). */
  counts(): Promise<StoreCounts>;
  /**
   * Counts one take of `key` (e.g. a client address), at most `limit` per fixed `windowMs`,
   * shared by every process on this store. Resolves 0 when allowed, else ms until it is.
   */
  takeRateLimit(key: string, limit: number, windowMs: number, now: number): Promise<number>;
  /** True while the backend answers (for /healthz). */
  healthy(): Promise<boolean>;
  /** Releases timers and connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * A room as the store holds it. GET /rooms/:room shows all of it to a participant and only
 * the seat count and state to anyone else, so this is not the wire shape (RoomResponse).
 */
export interface RoomSnapshot {
  room: string;
  capacity: number;
  participants: ParticipantInfo[];
  /** The longest-seated participant's id; undefined while the room is empty. */
  host: string | undefined;
  locked: boolean;
}

/** The `image` event's id (a cursor) and when it, and the bytes, expire. */
export interface SharedImage {
  id: string;
  expiresAt: number;
}

export interface StoreCounts {
  rooms: number;
  participants: number;
}

/**
 * 'events': something was appended; `events`, when the store sends them along, are exactly
 * what was appended, in order (a poll whose cursor they follow answers without reading);
 * `bytes` is their JSON's size, for the answer byte cap.
 * 'poll': a participant opened a poll (older ones give way).
 */
export type RoomSignal =
  | { type: 'events'; events?: undefined }
  | { type: 'events'; events: ChatEvent[]; bytes: number }
  | { type: 'poll'; participant: string; leaseId: string };
