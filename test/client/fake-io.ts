import type { Io, TimerHandle } from '../../client/core/io.js';

export interface FakeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
  settled: boolean;
  respond(status: number, body?: unknown): void;
  fail(message?: string): void;
}

/** Lets every pending promise callback run (the fake fetch and timers resolve through them). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A fake clock, fake timers and a fake fetch behind the client's Io seam. Requests stay
 * pending until the test answers them, so every interleaving can be written down.
 */
export class FakeIo implements Io {
  nowMs = 1_000_000;
  randomValue = 0.5;
  readonly requests: FakeRequest[] = [];
  #timers = new Map<number, { at: number; callback: () => void }>();
  #nextTimer = 1;

  fetch = (url: string, init: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      const request: FakeRequest = {
        url,
        method: init.method ?? 'GET',
        headers: { ...(init.headers as Record<string, string>) },
        body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
        signal,
        settled: false,
        respond(status, body) {
          if (request.settled) throw new Error(`${url} already settled`);
          request.settled = true;
          resolve(new Response(body === undefined || status === 204 ? null : JSON.stringify(body), { status }));
        },
        fail(message = 'fetch failed') {
          if (request.settled) throw new Error(`${url} already settled`);
          request.settled = true;
          reject(new TypeError(message));
        },
      };
      signal?.addEventListener('abort', () => {
        if (request.settled) return;
        request.settled = true;
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.requests.push(request);
    });

  setTimeout = (callback: () => void, ms: number): TimerHandle => {
    const id = this.#nextTimer++;
    this.#timers.set(id, { at: this.nowMs + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (handle: TimerHandle): void => {
    this.#timers.delete(handle as number);
  };

  now = (): number => this.nowMs;
  random = (): number => this.randomValue;

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Requests not yet answered whose URL contains `fragment`. */
  open(fragment: string): FakeRequest[] {
    return this.requests.filter((r) => !r.settled && r.url.includes(fragment));
  }

  /** The single open request matching `fragment`; throws when there is not exactly one. */
  only(fragment: string): FakeRequest {
    const open = this.open(fragment);
    if (open.length !== 1) throw new Error(`expected one open ${fragment} request, found ${open.length}`);
    return open[0]!;
  }

  /** Moves the clock forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    await flush();
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.nowMs = next[1].at;
      next[1].callback();
      await flush();
    }
    this.nowMs = target;
  }
}
