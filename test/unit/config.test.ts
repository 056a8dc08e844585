import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

const IMAGE_DEFAULTS = { imageMaxBytes: 2_097_152, imageMaxPixels: 4096, imagesPerMinute: 10, roomImageBytes: 8_388_608, processImageBytes: 67_108_864 };
const hostileEnv = { PROXY_HOPS: '2', MAX_CONNECTIONS: '11', MAX_CONNECTIONS_PER_ADDRESS: '12', FIRST_REQUEST_TIMEOUT_MS: '13', WRITE_TIMEOUT_MS: '14', POLL_MAX_BYTES: '1500', SEND_CHARS_PER_SECOND: '16', SEND_CHARS_BURST: '1700', SENDS_PER_SECOND: '18', SENDS_BURST: '19', JOIN_KEY_WINDOW_MS: '20' };
const hostileValues = { proxyHops: 2, maxConnections: 11, maxConnectionsPerAddress: 12, firstRequestTimeoutMs: 13, writeTimeoutMs: 14, pollMaxBytes: 1500, sendCharsPerSecond: 16, sendCharsBurst: 1700, sendsPerSecond: 18, sendsBurst: 19, joinKeyWindowMs: 20 };

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      messageTtlMs: 10_000,
      pollHoldMs: 25_000,
      presenceTimeoutMs: 15_000,
      unstableAfterMs: 4_000,
      roomIdleMs: 3_600_000,
      roomCapacity: 2,
      roomMaxCapacity: 8,
      roomMaxEvents: 2_000,
      maxRooms: 1_000_000,
      roomsPerMinute: 30,
      trustProxy: false,
      redisUrl: undefined,
      redisPrefix: 'phc:',
      redisCluster: false,
      metricsToken: undefined,
      webConcurrency: 1,
      logRequests: false,
      proxyHops: 0,
      maxConnections: 4_000,
      maxConnectionsPerAddress: 64,
      firstRequestTimeoutMs: 10_000,
      writeTimeoutMs: 10_000,
      pollMaxBytes: 65_536,
      sendCharsPerSecond: 60,
      sendCharsBurst: 2_000,
      sendsPerSecond: 20,
      sendsBurst: 40,
      joinKeyWindowMs: 60_000,
    });
    expect(loadConfig({ TRUST_PROXY: 'true' }).proxyHops).toBe(1);
    expect(config.roomSalt).toMatch(/^[0-9a-f]{32}$/);
    expect(loadConfig({}).roomSalt).not.toBe(config.roomSalt);
  });

  it('reads every variable', () => {
    const config = loadConfig({ PORT: '8080', MESSAGE_TTL_MS: '5000', POLL_HOLD_MS: '29999', PRESENCE_TIMEOUT_MS: '1', UNSTABLE_AFTER_MS: '3', ROOM_IDLE_MS: '10', ROOM_CAPACITY: '3', ROOM_MAX_CAPACITY: '4', ROOM_MAX_EVENTS: '9', MAX_ROOMS: '7', ROOMS_PER_MINUTE: '5', ROOM_SALT: 'saltsalt', TRUST_PROXY: 'true', REDIS_URL: 'rediss://h:1', REDIS_PREFIX: 'staging:', REDIS_CLUSTER: 'true', METRICS_TOKEN: 'scrape-token-0123456789', WEB_CONCURRENCY: '4', LOG_REQUESTS: 'true', ...hostileEnv });
    expect(config).toEqual({ port: 8080, messageTtlMs: 5000, pollHoldMs: 29_999, presenceTimeoutMs: 1, unstableAfterMs: 3, roomIdleMs: 10, roomCapacity: 3, roomMaxCapacity: 4, roomMaxEvents: 9, maxRooms: 7, roomsPerMinute: 5, roomSalt: 'saltsalt', trustProxy: true, redisUrl: 'rediss://h:1', redisPrefix: 'staging:', redisCluster: true, metricsToken: 'scrape-token-0123456789', webConcurrency: 4, logRequests: true, ...IMAGE_DEFAULTS, ...hostileValues });
  });

  it('reads the image settings, each budget at least one image (the process budget two)', () => {
    expect(loadConfig({}).imageMaxBytes).toBe(IMAGE_DEFAULTS.imageMaxBytes);
    const env = { IMAGE_MAX_BYTES: '100', IMAGE_MAX_PIXELS: '50', IMAGES_PER_MINUTE: '3', ROOM_IMAGE_BYTES: '100', PROCESS_IMAGE_BYTES: '200' };
    expect(loadConfig(env)).toMatchObject({ imageMaxBytes: 100, imageMaxPixels: 50, imagesPerMinute: 3, roomImageBytes: 100, processImageBytes: 200 });
    expect(() => loadConfig({ ...env, ROOM_IMAGE_BYTES: '99' })).toThrow(/^ROOM_IMAGE_BYTES must be between 100/);
    expect(() => loadConfig({ ...env, PROCESS_IMAGE_BYTES: '199' })).toThrow(/^PROCESS_IMAGE_BYTES must be between 200/);
    expect(() => loadConfig({ IMAGE_MAX_PIXELS: '0' })).toThrow(/^IMAGE_MAX_PIXELS must be between 1/);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ PORT: '70000' }, /^PORT must be between/],
    [{ MESSAGE_TTL_MS: '-5' }, /^MESSAGE_TTL_MS must be a whole number/],
    [{ MESSAGE_TTL_MS: '0' }, /^MESSAGE_TTL_MS must be between 1/],
    [{ POLL_HOLD_MS: '30000' }, /^POLL_HOLD_MS must be below 30000/],
    [{ PRESENCE_TIMEOUT_MS: '1.5' }, /^PRESENCE_TIMEOUT_MS must be a whole number/],
    [{ ROOM_CAPACITY: '1' }, /^ROOM_CAPACITY must be between 2/],
    [{ ROOM_CAPACITY: '9' }, /^ROOM_CAPACITY must not exceed ROOM_MAX_CAPACITY/],
    [{ ROOM_MAX_CAPACITY: '1' }, /^ROOM_MAX_CAPACITY must be between 2/],
    [{ ROOM_SALT: 'short' }, /^ROOM_SALT must be at least 8/],
    [{ TRUST_PROXY: 'yes' }, /^TRUST_PROXY must be true or false/],
    [{ TRUST_PROXY: 'false', PROXY_HOPS: '1' }, /^PROXY_HOPS=1 needs TRUST_PROXY=true/],
    [{ SEND_CHARS_BURST: '999' }, /^SEND_CHARS_BURST must be between 1000/],
    [{ POLL_MAX_BYTES: '100' }, /^POLL_MAX_BYTES must be between 1024/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL must start with redis:\/\//],
    [{ WEB_CONCURRENCY: '0' }, /^WEB_CONCURRENCY must be between 1/],
    [{ REDIS_PREFIX: 'a{b}' }, /^REDIS_PREFIX must be 1-64 letters/],
    [{ METRICS_TOKEN: 'short' }, /^METRICS_TOKEN must be at least 16/],
    [{ METRICS_TOKEN: 'has spaces in it, sixteen+' }, /^METRICS_TOKEN must be at least 16/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
