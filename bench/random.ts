/**
 * A seeded generator (mulberry32), so both servers are driven by the very same key
 * presses: a run against each differs only in the server.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Milliseconds to the next arrival of a Poisson process of `perSecond` events a second. */
export function exponentialDelayMs(random: () => number, perSecond: number): number {
  return (-Math.log(1 - random()) / perSecond) * 1000;
}
