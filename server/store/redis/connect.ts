import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logger.js';

// A command waits at most this long; a healthy Redis answers our scripts in well under 1 ms.
const COMMAND_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
// Reconnect quickly at first, then every second: service resumes within ~1 s of Redis returning.
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_MS = 1_000;

/**
 * ioredis settings for a store that must fail fast: while Redis is away nothing is
 * queued (a request gets 503 at once instead of hanging), a command in flight when the
 * connection drops is failed rather than resent (a resent join would seat twice), and
 * the client keeps reconnecting by itself.
 */
function redisOptions(url: string): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS),
    // Heroku Redis presents a self-signed certificate on rediss:// URLs; Heroku's own
    // instructions for Node clients are to skip verification (the link is still encrypted).
    ...(url.startsWith('rediss://') ? { tls: { rejectUnauthorized: false } } : {}),
  };
}

/**
 * A connection whose errors are reported, never thrown: without an 'error' listener
 * ioredis would print every failed reconnect. One line per outage, one per recovery.
 */
export function connect(url: string, role: string, logger: Logger): Redis {
  const client = new Redis(url, redisOptions(url));
  let down = false;
  client.on('error', (error: Error & { code?: string }) => {
    if (down) return;
    down = true;
    logger.log('warn', 'redis unavailable', { role, errorName: error.name, code: error.code });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('info', 'redis ready', { role });
  });
  return client;
}

/** Resolves when the client is ready or `timeoutMs` passed, whichever comes first. */
export function whenReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    client.once('ready', onReady);
  });
}
