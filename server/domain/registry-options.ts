import type { ByteBudget } from './byte-budget.js';
import type { RandomId } from './random-id.js';
import type { SendRateLimits } from './send-allowance.js';

/** What a RoomRegistry is told: its clock and every limit it applies (server/config.ts names each). */
export interface RegistryOptions {
  now: () => number;
  ttlMs: number;
  presenceTimeoutMs: number;
  /** No poll in flight this long after a poll ended: `unstable` (UNSTABLE_AFTER_MS); never when absent. */
  unstableAfterMs?: number;
  roomIdleMs: number;
  maxEventsPerRoom: number;
  maxRooms: number;
  randomId?: RandomId;
  /** Most live image bytes in one room (ROOM_IMAGE_BYTES); unlimited when absent. */
  maxRoomImageBytes?: number;
  /** The process's image bytes (PROCESS_IMAGE_BYTES), which live images hold until they expire. */
  imageBudget?: ByteBudget;
  /** Per-participant send rate; unlimited when absent. */
  sendRate?: SendRateLimits;
  /** Most bytes of event JSON in one poll answer (but for its first event); unlimited when absent. */
  pollMaxBytes?: number;
  /** How long a join key returns the seat it made (idempotent join); 60 s when absent. */
  joinKeyWindowMs?: number;
}

/** 60 s: long enough for a join retried after a lost answer, short enough to free the key (JOIN_KEY_WINDOW_MS). */
export const DEFAULT_JOIN_KEY_WINDOW_MS = 60_000;
