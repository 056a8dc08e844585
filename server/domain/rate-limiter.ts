/**
 * At most `limit` takes per key in any `windowMs`, counted in fixed windows. Pure: the
 * caller passes the time. Keys whose window has passed are dropped as the map grows,
 * so an address that stops asking costs nothing for long.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();
  private pruneAt: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    // Prune once the map holds this many keys; doubled after each prune that keeps most of them.
    private pruneSize = 10_000,
  ) {
    this.pruneAt = pruneSize;
  }

  /** Keys it remembers: what the limiter costs in memory. */
  get size(): number {
    return this.windows.size;
  }

  /** Counts one take; returns 0 when allowed, else the ms until the key may take again. */
  take(key: string, now: number): number {
    let window = this.windows.get(key);
    if (window === undefined || now - window.startedAt >= this.windowMs) {
      if (window === undefined && this.windows.size >= this.pruneAt) this.prune(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.limit) return window.startedAt + this.windowMs - now;
    window.count += 1;
    return 0;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    this.pruneAt = Math.max(this.pruneSize, 2 * this.windows.size);
  }
}
