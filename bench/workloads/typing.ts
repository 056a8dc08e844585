import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../concurrency.js';
import type { Contender } from '../contenders.js';
import { seededRandom } from '../random.js';
import { summarize, type Summary } from '../stats.js';
import { DeliveryLog } from '../typist.js';
import { clientOutcome, openWindow, runLabel, withClient, type ClientOutcome, type RunLabel, type RunStart } from './measured-run.js';
import { openRooms } from './rooms.js';

export interface TypingWorkload {
  workload: string;
  rooms: number;
  keysPerSecond: number;
  durationMs: number;
}

export interface TypingResult extends RunLabel, ClientOutcome {
  rooms: number;
  keysPerSecond: number;
  durationS: number;
  keysSent: number;
  deliveredPct: number;
  duplicates: number;
  latencyMs: Summary;
  httpRequestsPerKey: number;
  serverCpuMsPer1kKeys: number;
  serverPeakRssMb: number;
}

// Lets the first polls (which carry the joins) settle before the clock starts.
const SETTLE_MS = 500;
// Keys still in flight when typing stops get this long to arrive; a healthy server needs well under 1 s.
const DRAIN_TIMEOUT_MS = 5_000;

/** R rooms × 2 participants typing K keys/s each (Poisson) for a while, on a fresh server. */
export function runTyping(contender: Contender, load: TypingWorkload, start: RunStart & { seed: number }): Promise<TypingResult> {
  return withClient(contender, start, async ({ server, client, errors }) => {
    const log = new DeliveryLog(errors);
    const rooms = await openRooms(client, load.rooms, log);
    await sleep(SETTLE_MS);

    const closeWindow = await openWindow(server);
    const stopAt = performance.now() + load.durationMs;
    rooms.forEach((room, i) => {
      // Same seeds for both servers: they see the very same key presses.
      room.a.type(seededRandom(start.seed + 2 * i), load.keysPerSecond, stopAt);
      room.b.type(seededRandom(start.seed + 2 * i + 1), load.keysPerSecond, stopAt);
    });
    await sleep(load.durationMs);
    await waitFor(() => log.keysDelivered >= log.keysPressed, DRAIN_TIMEOUT_MS);
    const window = await closeWindow();
    const memory = await server.memory();
    for (const room of rooms) {
      room.a.stop();
      room.b.stop();
    }

    const keys = log.keysPressed;
    return {
      ...runLabel(load.workload, contender, start),
      rooms: load.rooms,
      keysPerSecond: load.keysPerSecond,
      durationS: load.durationMs / 1000,
      keysSent: keys,
      deliveredPct: keys === 0 ? 0 : (log.keysDelivered / keys) * 100,
      duplicates: log.duplicates,
      latencyMs: summarize(log.latenciesMs),
      httpRequestsPerKey: keys === 0 ? Number.NaN : window.generator.httpRequests / keys,
      serverCpuMsPer1kKeys: keys === 0 ? Number.NaN : (window.serverCpuMs / keys) * 1000,
      serverPeakRssMb: memory.peakRssBytes / 2 ** 20,
      ...clientOutcome(errors, window),
    };
  });
}
