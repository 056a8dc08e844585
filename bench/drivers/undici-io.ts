import type { Dispatcher, Pool } from 'undici';
import type { Io, IoResponse } from '../../client/core/io.js';

/**
 * client/core's Io seam over one participant's undici Pool: the same client code the
 * browser runs, without WHATWG fetch's per-request machinery (Request, Headers, a
 * Response stream), which costs the generator several times what the request does.
 * `origin` is the ApiClient's base URL; every URL it builds starts with it.
 */
export function undiciIo(pool: Pool, origin: string): Io {
  return {
    fetch: async (url, init): Promise<IoResponse> => {
      if (!url.startsWith(origin)) throw new TypeError(`${url} is not under ${origin}`);
      const response = await pool.request({
        method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
        path: url.slice(origin.length),
        // ApiClient passes a plain object of header names to values.
        headers: init.headers as Record<string, string>,
        body: typeof init.body === 'string' ? init.body : null,
        signal: init.signal ?? null,
      });
      const text = await response.body.text();
      const status = response.statusCode;
      return { ok: status >= 200 && status < 300, status, text: async () => text };
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    now: () => Date.now(),
    random: () => Math.random(),
  };
}
