/** How fast one participant may send: two token buckets, characters and sends. */
export interface SendRateLimits {
  charsPerSecond: number;
  /** At least the longest send (TEXT_MAX_CHARS), or a long paste could never pass. */
  charsBurst: number;
  sendsPerSecond: number;
  sendsBurst: number;
}

/** A participant's buckets as of `at`. */
export interface Allowance {
  chars: number;
  sends: number;
  at: number;
}

export function fullAllowance(limits: SendRateLimits, now: number): Allowance {
  return { chars: limits.charsBurst, sends: limits.sendsBurst, at: now };
}

/**
 * Takes one send of `chars` characters from the buckets. Returns 0 and updates
 * `allowance` when it fits, else the ms until it would (and leaves it untouched), so a
 * refused send costs the sender nothing. The Redis send script mirrors this arithmetic.
 */
export function takeSend(allowance: Allowance, limits: SendRateLimits, chars: number, now: number): number {
  const elapsedMs = Math.max(0, now - allowance.at);
  const charTokens = Math.min(limits.charsBurst, allowance.chars + (elapsedMs * limits.charsPerSecond) / 1000);
  const sendTokens = Math.min(limits.sendsBurst, allowance.sends + (elapsedMs * limits.sendsPerSecond) / 1000);
  const waitMs = Math.max(((chars - charTokens) * 1000) / limits.charsPerSecond, ((1 - sendTokens) * 1000) / limits.sendsPerSecond);
  if (waitMs > 0) return Math.ceil(waitMs);
  allowance.chars = charTokens - chars;
  allowance.sends = sendTokens - 1;
  allowance.at = now;
  return 0;
}
