/**
 * Everything the client core takes from its host: the network, timers, the clock and
 * randomness. The browser and the terminal pass the real ones; tests pass fakes, so
 * backoff and retries run on a fake clock without sleeping.
 */
export interface Io {
  fetch(url: string, init: RequestInit): Promise<IoResponse>;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  now(): number;
  /** In [0, 1), like Math.random; only used for jitter. */
  random(): number;
}

/**
 * What the core reads of a response. A fetch Response is one; a Node host (the bench,
 * the terminal) may answer with a leaner object instead of building a WHATWG Response.
 */
export type IoResponse = Pick<Response, 'ok' | 'status' | 'text'>;

/** Opaque: browsers return numbers, Node returns objects. */
export type TimerHandle = unknown;

/** The host's own globals (works in browsers and Node 20); its responses are whole WHATWG Responses. */
export function hostIo(): Io & { fetch(url: string, init: RequestInit): Promise<Response> } {
  return {
    fetch: (url, init) => globalThis.fetch(url, init),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    now: () => Date.now(),
    random: () => Math.random(),
  };
}

/**
 * Resolves after `ms` unless cancelled first; `cancel()` resolves it at once so a
 * stopping loop never waits out a backoff.
 */
export function sleep(io: Io, ms: number): { done: Promise<void>; cancel(): void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const handle = io.setTimeout(finish, ms);
  return {
    done,
    cancel() {
      io.clearTimeout(handle);
      finish();
    },
  };
}
