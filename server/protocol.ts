// The wire of protocol v1 (docs/protocol.md): its types and its limits, in one module that
// imports nothing, so the server and both clients share it (the clients `import type` the
// types; the limits are values they import like any other). Every 4xx body (and the rare
// 503) is `{"error": "<sentence>"}`.

// The limits are part of the public contract, so they are constants rather than settings:
// a client written against one server works against all.

/**
 * Largest request body; larger ones get 413. 20 KiB holds 1000 four-byte characters
 * JSON-escaped (12 KB) and their 1000 `gaps` of up to five digits (6 KB).
 */
export const BODY_LIMIT_BYTES = 20 * 1024;
/** Longest `text` of one send, in characters (code points). */
export const TEXT_MAX_CHARS = 1000;
/** Longest participant name after trimming, in characters. */
export const NAME_MAX_CHARS = 32;
/**
 * Longest wait one `gaps` entry may give, in ms. A typist's pause is worth replaying up to
 * here; a longer one is sent as this (the receiver shortens long pauses anyway).
 */
export const GAP_MAX_MS = 10_000;
/** Most events in one poll answer; the rest come with the next poll. */
export const POLL_MAX_EVENTS = 500;

export type EventType = 'text' | 'join' | 'leave' | 'away' | 'back' | 'image' | 'unstable' | 'steady';

/**
 * A participant's connection as the others see it: `unstable` once they have had no poll in
 * flight for UNSTABLE_AFTER_MS (an `unstable` event), `steady` again at their next poll (a
 * `steady` event). Long before PRESENCE_TIMEOUT_MS frees the seat, the others learn of an outage.
 */
export type ConnectionState = 'steady' | 'unstable';

export interface ChatEvent {
  /** Equal to the cursor that follows this event, so a client can resume from any id. */
  id: string;
  type: EventType;
  /** Participant id of whoever caused the event. */
  from: string;
  name: string;
  /** Present on `text` events only. */
  text?: string;
  /** On `text` events whose send gave them: the typing cadence (SendRequest.gaps). */
  gaps?: number[];
  /** Present on `image` events only; the bytes are at GET /rooms/:room/images/:id until `expiresAt`. */
  image?: ImageInfo;
  at: number;
  expiresAt: number;
}

/** The only image types a room accepts; each is checked against the bytes' own magic number. */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** What an `image` event says about its picture (never the bytes themselves). */
export interface ImageInfo {
  id: string;
  type: ImageType;
  bytes: number;
  width: number;
  height: number;
}

/** POST /rooms/:room/images -> 201; `id` is the image's id, for GET /rooms/:room/images/:id. */
export interface ImageUploadResponse {
  id: string;
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

/** How long words live and polls are held: the server's configuration, sent so clients need none. */
export interface RoomTiming {
  ttlMs: number;
  holdMs: number;
}

/**
 * A response as the room store gives it: everything but the timing, which the HTTP layer
 * adds from its configuration. The store returns the wire shape itself, not a near-copy.
 */
export type Untimed<T extends RoomTiming> = Omit<T, keyof RoomTiming>;

/** GET /rooms/:room -> 200 */
export interface RoomResponse extends RoomTiming {
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
}

/** POST /rooms/:room/join -> 201 */
export interface JoinResponse extends RoomTiming {
  participant: string;
  token: string;
  name: string;
  /** Cursor just before this participant's own `join` event. */
  cursor: string;
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
  /**
   * Optional typing cadence, as XEP-0301's waits: one whole number of ms per character
   * (code point) of `text`, each the time since the character before it was typed (for the
   * first, since the last character of the previous send; 0 for none), at most GAP_MAX_MS.
   */
  gaps?: number[];
}

/** GET /rooms/:room/poll -> 200 */
export interface PollResponse {
  events: ChatEvent[];
  cursor: string;
  /** Present when the cursor belonged to an earlier incarnation of the room's buffer. */
  reset?: true;
}
