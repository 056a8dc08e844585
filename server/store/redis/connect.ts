import { createRequire } from 'node:module';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logger.js';

// A command waits at most this long; a healthy Redis answers our scripts in well under 1 ms.
const COMMAND_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 2_000;
// Reconnect quickly at first, then every second: service resumes within ~1 s of Redis returning.
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_MS = 1_000;
// A moved slot or a failover is noticed at once through MOVED and closed connections; the
// periodic CLUSTER SLOTS is a backstop, and once a minute keeps an idle instance near silent.
const SLOTS_REFRESH_INTERVAL_MS = 60_000;

/** One Redis, or a Redis Cluster (which routes each call by its keys). */
export type RedisClient = Redis | Cluster;

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
 * The whole cluster from any one node's URL (its credentials and TLS apply to every node).
 * Sharded subscribers give each master one subscriber connection beside its command one,
 * so one Cluster object both runs the scripts and listens (SSUBSCRIBE).
 */
function clusterOptions(url: string): ClusterOptions {
  const { username, password } = new URL(url);
  const node: RedisOptions = { ...redisOptions(url), ...(username === '' ? {} : { username: decodeURIComponent(username) }), ...(password === '' ? {} : { password: decodeURIComponent(password) }) };
  return {
    redisOptions: node,
    enableOfflineQueue: false,
    shardedSubscribers: true,
    slotsRefreshInterval: SLOTS_REFRESH_INTERVAL_MS,
    clusterRetryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS),
  };
}

function startupNode(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: port === '' ? 6379 : Number(port) };
}

/**
 * A connection whose errors are reported, never thrown: without an 'error' listener
 * ioredis would print every failed reconnect. One line per outage, one per recovery.
 * With `cluster`, `url` is any node of a Redis Cluster.
 */
export function connect(url: string, role: string, logger: Logger, cluster = false): RedisClient {
  if (cluster) guardStoppedSubscribers();
  const client: RedisClient = cluster ? new Cluster([startupNode(url)], clusterOptions(url)) : new Redis(url, redisOptions(url));
  let down = false;
  let everReady = false;
  client.on('error', (error: Error & { code?: string }) => {
    if (down) return;
    down = true;
    const hint = everReady ? undefined : tlsHint(url, error.code);
    logger.log('warn', 'redis unavailable', { role, errorName: error.name, code: error.code, ...(hint === undefined ? {} : { hint }) });
  });
  client.on('ready', () => {
    everReady = true;
    if (!down) return;
    down = false;
    logger.log('info', 'redis ready', { role });
  });
  return client;
}

interface ShardedSubscriberClass {
  prototype: { stop(this: { instance: Redis | null }): void };
}
let subscribersGuarded = false;

/**
 * When a failover moves a shard, its old master pushes `sunsubscribe` for the channels it
 * dropped, and ioredis 5 (which takes a push for a reply) emits 'error' on that subscriber.
 * A subscriber ioredis has just stopped has lost all its listeners, and Node throws an
 * 'error' nobody listens to: the process dies. This keeps one listener on a stopped
 * subscriber's connection for the pushes still in flight. (Its public API offers no hook.)
 */
function guardStoppedSubscribers(): void {
  if (subscribersGuarded) return;
  subscribersGuarded = true;
  let loaded: { default?: ShardedSubscriberClass };
  try {
    loaded = createRequire(import.meta.url)('ioredis/built/cluster/ShardedSubscriber.js') as { default?: ShardedSubscriberClass };
  } catch {
    return; // an ioredis laid out otherwise: package.json pins the minor version this was written for
  }
  const prototype = loaded.default?.prototype;
  if (prototype === undefined || typeof prototype.stop !== 'function') return;
  const stop = prototype.stop;
  prototype.stop = function stopKeepingAnErrorListener(this: { instance: Redis | null }): void {
    const instance = this.instance;
    stop.call(this);
    instance?.on('error', () => {});
  };
}

/**
 * A TLS mismatch never says so: a rediss:// client talking to plain Redis waits for a
 * handshake that never comes (ETIMEDOUT), and plain RESP sent to a TLS port is dropped
 * (ECONNRESET). Either, before the first successful connection, is most likely that; the
 * line says so, without the URL (it may carry a password).
 */
export function tlsHint(url: string, code: string | undefined): string | undefined {
  const tls = url.startsWith('rediss://');
  if (tls && (code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EPROTO' || code?.startsWith('ERR_SSL_'))) {
    return 'REDIS_URL is rediss:// (TLS) but no TLS handshake completed: if the host and port are right, this Redis likely speaks plain TCP; use redis://';
  }
  if (!tls && (code === 'ECONNRESET' || code === 'EPIPE')) {
    return 'REDIS_URL is redis:// (plain TCP) and the server dropped the connection at once: if the host and port are right, this Redis likely requires TLS; use rediss://';
  }
  return undefined;
}

/** Resolves when the client is ready or `timeoutMs` passed, whichever comes first. */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
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
