import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createHttpServer } from '../../server/http-server.js';
import { MemoryStore } from '../../server/store/memory-store.js';

describe('createHttpServer', () => {
  it('outlasts Heroku’s 90 s idle keep-alive and the longest hold', () => {
    const config = loadConfig({ POLL_HOLD_MS: '29999' });
    const store = new MemoryStore({ now: Date.now, ttlMs: 1, presenceTimeoutMs: 1, roomIdleMs: 1, maxEventsPerRoom: 1, maxRooms: 1 });
    const server = createHttpServer(createApp({ config, store }), config);
    expect(server.keepAliveTimeout).toBeGreaterThanOrEqual(95_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    expect(server.requestTimeout).toBeGreaterThan(config.pollHoldMs);
    expect(server.requestTimeout).toBeGreaterThanOrEqual(server.headersTimeout);
    void store.close();
  });
});
