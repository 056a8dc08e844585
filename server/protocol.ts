// Wire types of protocol v1 (docs/protocol.md). This module holds types only, so
// the browser and terminal clients can `import type` it without pulling in server code.

export type EventType = 'text' | 'join' | 'leave' | 'away' | 'back';

export interface ChatEvent {
  /** Equal to the cursor that follows this event, so a client can resume from any id. */
  id: string;
  type: EventType;
  /** Participant id of whoever caused the event. */
  from: string;
  name: string;
  /** Present on `text` events only. */
  text?: string;
  at: number;
  expiresAt: number;
}

export interface ParticipantInfo {
  id: string;
  name: string;
}

export type PresenceState = 'away' | 'here';

/** POST /rooms -> 201 */
export interface CreateRoomResponse {
  room: string;
  url: string;
  capacity: number;
}

/** GET /rooms/:room -> 200 */
export interface RoomResponse {
  room: string;
  capacity: number;
  /** How many seats are taken; without a token this (and `full`, `locked`) is all a visitor learns. */
  seatsTaken: number;
  full: boolean;
  /** The host locked the room to new joins. */
  locked: boolean;
  /** Only with a participant's `Authorization: Bearer <token>`. */
  participants?: ParticipantInfo[];
  /** Participant id of the host (the longest seated); only with a token. */
  host?: string;
  ttlMs: number;
  holdMs: number;
}

/** POST /rooms/:room/join -> 201 */
export interface JoinResponse {
  participant: string;
  token: string;
  name: string;
  /** Cursor just before this participant's own `join` event. */
  cursor: string;
  ttlMs: number;
  holdMs: number;
  capacity: number;
  participants: ParticipantInfo[];
  /** Participant id of the room's host (the longest seated, possibly this participant). */
  host: string;
}

/** POST /rooms/:room/send -> 200 */
export interface SendResponse {
  id: string;
}

/** POST /rooms/:room/send body (application/json). */
export interface SendRequest {
  text: string;
  seq?: number;
}

/** GET /rooms/:room/poll -> 200 */
export interface PollResponse {
  events: ChatEvent[];
  cursor: string;
  /** Present when the cursor belonged to an earlier incarnation of the room's buffer. */
  reset?: true;
}

/** Every 4xx (and the rare 503) body. */
export interface ErrorResponse {
  error: string;
}
