import { randomBytes } from 'node:crypto';
import { DEFAULT_KEY_PREFIX } from './store/redis/keys.js';

export interface Config extends HostileClientLimits {
  port: number;
  messageTtlMs: number;
  pollHoldMs: number;
  presenceTimeoutMs: number;
  /** No poll in flight this long: the room gets an `unstable` event for the participant. */
  unstableAfterMs: number;
  roomIdleMs: number;
  roomCapacity: number;
  roomMaxCapacity: number;
  roomMaxEvents: number;
  maxRooms: number;
  roomsPerMinute: number;
  roomSalt: string;
  trustProxy: boolean;
  redisUrl: string | undefined;
  /** Prepended to every Redis key and channel, so several deployments (or test runs) can share a database. */
  redisPrefix: string;
  /** REDIS_URL names one node of a Redis Cluster: connect to the whole cluster and use sharded pub/sub. */
  redisCluster: boolean;
  /** Bearer token for GET /metrics; unset, the endpoint does not exist. */
  metricsToken: string | undefined;
  /** Worker processes; used only with REDIS_URL (the memory store cannot be shared). */
  webConcurrency: number;
  /** A log line per request; errors and lifecycle lines are logged regardless. */
  logRequests: boolean;
  /** Images (issue 10): largest upload, largest width or height, uploads per participant per minute, byte budgets. */
  imageMaxBytes: number;
  imageMaxPixels: number;
  imagesPerMinute: number;
  roomImageBytes: number;
  processImageBytes: number;
}

// Hostile-client limits (issue 9); each is documented in README.md, app.json and docs/protocol.md.
export interface HostileClientLimits {
  /** Proxies in front of this server whose X-Forwarded-For entries are trusted (1 on Heroku). */
  proxyHops: number;
  maxConnections: number;
  /** Per client address; applies only with proxyHops 0 (behind a proxy every socket is the proxy's). */
  maxConnectionsPerAddress: number;
  firstRequestTimeoutMs: number;
  writeTimeoutMs: number;
  pollMaxBytes: number;
  sendCharsPerSecond: number;
  sendCharsBurst: number;
  sendsPerSecond: number;
  sendsBurst: number;
  joinKeyWindowMs: number;
}

/** Thrown at start-up for a bad environment; its message is the one line the operator sees. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Heroku's router cuts a response that has sent no byte for 30 s.
export const FIRST_BYTE_LIMIT_MS = 30_000;

type Env = Record<string, string | undefined>;

/** Reads the configuration from the environment; throws ConfigError naming the variable at fault. */
export function loadConfig(env: Env = process.env): Config {
  const pollHoldMs = integer(env, 'POLL_HOLD_MS', 25_000, 0);
  if (pollHoldMs >= FIRST_BYTE_LIMIT_MS) {
    throw new ConfigError(`POLL_HOLD_MS must be below ${FIRST_BYTE_LIMIT_MS} (Heroku's first-byte limit), got ${pollHoldMs}`);
  }
  const roomMaxCapacity = integer(env, 'ROOM_MAX_CAPACITY', 8, 2);
  const roomCapacity = integer(env, 'ROOM_CAPACITY', 2, 2);
  if (roomCapacity > roomMaxCapacity) {
    throw new ConfigError(`ROOM_CAPACITY must not exceed ROOM_MAX_CAPACITY (${roomMaxCapacity}), got ${roomCapacity}`);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    messageTtlMs: integer(env, 'MESSAGE_TTL_MS', 10_000, 1),
    pollHoldMs,
    presenceTimeoutMs: integer(env, 'PRESENCE_TIMEOUT_MS', 15_000, 1),
    // 4 s: a client polls again within milliseconds of an answer, and retries a failed poll within
    // about 2 s; past 4 s without one the connection is in trouble, well before the 15 s leave.
    unstableAfterMs: integer(env, 'UNSTABLE_AFTER_MS', 4_000, 1),
    roomIdleMs: integer(env, 'ROOM_IDLE_MS', 3_600_000, 1),
    roomCapacity,
    roomMaxCapacity,
    roomMaxEvents: integer(env, 'ROOM_MAX_EVENTS', 2_000, 1),
    maxRooms: integer(env, 'MAX_ROOMS', 1_000_000, 1),
    roomsPerMinute: integer(env, 'ROOMS_PER_MINUTE', 30, 1),
    roomSalt: salt(env),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    redisUrl: redisUrl(env),
    redisPrefix: redisPrefix(env),
    redisCluster: boolean(env, 'REDIS_CLUSTER', false),
    metricsToken: metricsToken(env),
    // Heroku sets it from the dyno size.
    webConcurrency: integer(env, 'WEB_CONCURRENCY', 1, 1),
    // Off: Heroku's router already logs every request, and a line per poll and send cost 9 % of CPU.
    logRequests: boolean(env, 'LOG_REQUESTS', false),
    ...imageSettings(env),
    ...hostileClientLimits(env),
  };
}

const MIB = 1024 * 1024;

/**
 * Image limits; each budget must hold at least one largest image, or every upload would be
 * refused. The process budget holds two: in memory, an accepted upload is counted while it
 * is read and again by the store that keeps it, until the upload's own hold is given back.
 */
function imageSettings(env: Env): Pick<Config, 'imageMaxBytes' | 'imageMaxPixels' | 'imagesPerMinute' | 'roomImageBytes' | 'processImageBytes'> {
  const imageMaxBytes = integer(env, 'IMAGE_MAX_BYTES', 2 * MIB, 1);
  const roomImageBytes = integer(env, 'ROOM_IMAGE_BYTES', 8 * MIB, imageMaxBytes);
  const processImageBytes = integer(env, 'PROCESS_IMAGE_BYTES', 64 * MIB, 2 * imageMaxBytes);
  return {
    imageMaxBytes,
    imageMaxPixels: integer(env, 'IMAGE_MAX_PIXELS', 4096, 1, 65_535),
    imagesPerMinute: integer(env, 'IMAGES_PER_MINUTE', 10, 1),
    roomImageBytes,
    processImageBytes,
  };
}
/** The limits that keep one client from taking the server, a room or a conversation (issue 9). */
function hostileClientLimits(env: Env): HostileClientLimits {
  const trustProxy = boolean(env, 'TRUST_PROXY', false);
  const proxyHops = integer(env, 'PROXY_HOPS', trustProxy ? 1 : 0, 0, 10);
  if (proxyHops > 0 && !trustProxy && env.TRUST_PROXY !== undefined && env.TRUST_PROXY.trim() !== '') {
    throw new ConfigError(`PROXY_HOPS=${proxyHops} needs TRUST_PROXY=true (or TRUST_PROXY unset)`);
  }
  return {
    proxyHops,
    // 4,000: below the 10,000 file descriptors of a Heroku dyno, with room for the answers we shed.
    maxConnections: integer(env, 'MAX_CONNECTIONS', 4_000, 1),
    // 64: ten browser tabs' worth (6 connections each) from one address; an attacker gets no more.
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', 64, 1),
    // 10 s: a real client sends its request at once; a silent socket holds a descriptor for nothing.
    firstRequestTimeoutMs: integer(env, 'FIRST_REQUEST_TIMEOUT_MS', 10_000, 1),
    // 10 s: a full poll answer is under 64 KiB, seconds even on a bad mobile link.
    writeTimeoutMs: integer(env, 'WRITE_TIMEOUT_MS', 10_000, 1),
    // 64 KiB: over ten of the largest events (1,000 four-byte characters) per answer.
    pollMaxBytes: integer(env, 'POLL_MAX_BYTES', 65_536, 1_024),
    // 60 chars/s sustained: twice a fast typist; the burst lets a 1,000-character paste through twice.
    sendCharsPerSecond: integer(env, 'SEND_CHARS_PER_SECOND', 60, 1),
    sendCharsBurst: integer(env, 'SEND_CHARS_BURST', 2_000, 1_000),
    // 20 sends/s sustained: one a keystroke for a fast typist, with one send in flight at a time.
    sendsPerSecond: integer(env, 'SENDS_PER_SECOND', 20, 1),
    sendsBurst: integer(env, 'SENDS_BURST', 40, 1),
    // 60 s: long enough for a join retried after a lost answer, short enough to free the key.
    joinKeyWindowMs: integer(env, 'JOIN_KEY_WINDOW_MS', 60_000, 1),
  };
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function salt(env: Env): string {
  const raw = env.ROOM_SALT;
  // Random per process: room links die with the process anyway when rooms live in memory.
  if (raw === undefined || raw === '') return randomBytes(16).toString('hex');
  if (raw.length < 8) throw new ConfigError('ROOM_SALT must be at least 8 characters');
  return raw;
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^rediss?:\/\//.test(raw)) throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
  return raw;
}

function redisPrefix(env: Env): string {
  const raw = env.REDIS_PREFIX;
  if (raw === undefined || raw === '') return DEFAULT_KEY_PREFIX;
  // The Lua scripts build key names from it, and a room's keys use {} as the cluster hash tag.
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(raw)) throw new ConfigError(`REDIS_PREFIX must be 1-64 letters, digits or : _ . -, got "${raw}"`);
  return raw;
}

// Short tokens can be guessed online; 16 characters of any alphabet is well past that.
const METRICS_TOKEN_MIN_CHARS = 16;

function metricsToken(env: Env): string | undefined {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < METRICS_TOKEN_MIN_CHARS || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(`METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_CHARS} printable characters without spaces`);
  }
  return raw;
}
