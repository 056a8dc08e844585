import type { Io } from './io.js';

// 250 ms first: a blip (a proxy dropping one idle connection) heals before anyone notices.
const BASE_DELAY_MS = 250;
// ~5 s ceiling: long enough not to hammer a restarting server, short enough that a
// conversation resumes within a breath of the network coming back.
export const MAX_BACKOFF_MS = 5000;

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential, capped,
 * with "equal jitter" (half fixed, half random) so clients that failed together do
 * not all return in the same millisecond, yet nobody retries at once.
 */
export function backoffDelayMs(attempt: number, random: Io['random']): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError('attempt must be an integer >= 1');
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
