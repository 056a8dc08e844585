import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { PollHub, type PollEnd } from '../../server/http/poll-hub.js';
import { createLogger } from '../../server/logger.js';
import type { RoomStore } from '../../server/store/room-store.js';
import type { JoinResponse } from '../../server/protocol.js';
import { systemTimers, type Timers } from '../../server/timers.js';
import { ManualClock } from './manual-clock.js';
import type { StoreFactory } from './stores.js';
import { until } from './until.js';

export interface Harness {
  config: Config;
  clock: ManualClock;
  store: RoomStore;
  hub: PollHub;
  api: TestAgent;
  /** Every log line the app wrote, raw. */
  logs: string[];
  /** How each poll the hub answered ended, in order: a hold is observed by how it ended, not by a stopwatch. */
  pollEnds: PollEnd[];
  /** The delay of every timer the hub armed (hold timeouts, own-echo delays), in order; they run on real time. */
  hubTimersMs: number[];
  createRoom(capacity?: number): Promise<string>;
  join(room: string, name?: string): Promise<JoinResponse>;
  /** Resolves once `count` polls are held (so a test never races the hold with a guessed sleep). */
  untilHeld(count?: number): Promise<void>;
  close(): Promise<void>;
}

/** An app on a fresh store with a manual clock; `env` overrides settings as the environment would. */
export async function createHarness(factory: StoreFactory, env: Record<string, string> = {}): Promise<Harness> {
  // The manual clock stands still, so the send rate would refuse a test's 41st send; the
  // tests of the rate (test/protocol/hostile-clients.test.ts) set their own.
  const unlimitedSends = { SENDS_PER_SECOND: '1000000', SENDS_BURST: '1000000', SEND_CHARS_BURST: '100000000' };
  const config = loadConfig({ POLL_HOLD_MS: '200', ROOM_SALT: 'test-salt-0123', ROOMS_PER_MINUTE: '1000', LOG_REQUESTS: 'true', ...unlimitedSends, ...env });
  const clock = new ManualClock();
  const store = await factory.create(config, clock.now);
  const pollEnds: PollEnd[] = [];
  const hubTimersMs: number[] = [];
  const timers: Timers = {
    setTimeout: (callback, ms) => (hubTimersMs.push(ms), systemTimers.setTimeout(callback, ms)),
    clearTimeout: (handle) => systemTimers.clearTimeout(handle),
  };
  const hub = new PollHub(store, { timers, onEnd: (end) => pollEnds.push(end) });
  const logs: string[] = [];
  const app = createApp({ config, store, hub, now: clock.now, logger: createLogger((line) => logs.push(line)) });
  const api = request(app.callback());
  return {
    config,
    clock,
    store,
    hub,
    api,
    logs,
    pollEnds,
    hubTimersMs,
    async createRoom(capacity) {
      const res = await api.post('/rooms').send(capacity === undefined ? {} : { capacity }).expect(201);
      return res.body.room as string;
    },
    async join(room, name) {
      const res = await api.post(`/rooms/${room}/join`).send(name === undefined ? {} : { name }).expect(201);
      return res.body as JoinResponse;
    },
    untilHeld: (count = 1) => until(() => hub.size >= count, `${count} held poll(s)`),
    async close() {
      hub.shutdown();
      await store.close();
    },
  };
}

export function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}
