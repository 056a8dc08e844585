import { randomBytes } from 'node:crypto';

/** Draws `bytes` bytes of crypto randomness as URL-safe text. */
export type RandomId = (bytes: number) => string;

export const randomId: RandomId = (bytes) => randomBytes(bytes).toString('base64url');

// Tokens: 32 random bytes, far past guessing. Participant ids and epochs only need to be
// unique within a room, so 6 bytes (48 bits) keep events short. Both stores draw these sizes.
export const TOKEN_BYTES = 32;
export const PARTICIPANT_ID_BYTES = 6;
export const EPOCH_BYTES = 6;
