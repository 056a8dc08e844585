import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import type { Io } from '../core/io.js';

/**
 * The client core's Io for Node: real timers and clock, and fetch through an agent
 * that honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (Node 20's own fetch ignores
 * them, and terminal users are the ones sitting behind proxies).
 */
export function nodeIo(): { io: Io; close(): Promise<void> } {
  const dispatcher = new EnvHttpProxyAgent();
  const io: Io = {
    // undici's own fetch with its own agent: Node 20's built-in fetch bundles an older
    // undici whose dispatcher interface the npm package's agents do not promise to fit.
    fetch: (url, init) => undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>,
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    now: () => Date.now(),
    random: () => Math.random(),
  };
  // destroy, not close: on the way out nothing in flight is still wanted, and close would wait for it.
  return { io, close: () => dispatcher.destroy() };
}
