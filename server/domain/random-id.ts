import { randomBytes } from 'node:crypto';

/** Draws `bytes` bytes of crypto randomness as URL-safe text. */
export type RandomId = (bytes: number) => string;

export const randomId: RandomId = (bytes) => randomBytes(bytes).toString('base64url');
