import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorTally } from '../bench-client.js';
import { waitFor } from '../concurrency.js';
import type { Contender } from '../contenders.js';
import { GeneratorMonitor, type GeneratorReport } from '../generator-monitor.js';
import { MachineLoadMonitor, type MachineLoad } from '../machine-load.js';
import { seededRandom } from '../random.js';
import { ServerProcess, type StartOptions } from '../server-process.js';
import { summarize, type Summary } from '../stats.js';
import { DeliveryLog } from '../typist.js';
import { judge, type Validity } from '../validity.js';
import { openRooms } from './rooms.js';

export interface TypingWorkload {
  workload: string;
  rooms: number;
  keysPerSecond: number;
  durationMs: number;
}

export interface TypingResult {
  workload: string;
  run: number;
  /** 1 for the first try of this run; more when earlier tries were invalid. */
  attempt: number;
  server: string;
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
  errors: number;
  errorKinds: Record<string, number>;
  generator: GeneratorReport;
  machine: MachineLoad;
  validity: Validity;
}

// Lets the first polls (which carry the joins) settle before the clock starts.
const SETTLE_MS = 500;
// Keys still in flight when typing stops get this long to arrive; a healthy server needs well under 1 s.
const DRAIN_TIMEOUT_MS = 5_000;

/** R rooms × 2 participants typing K keys/s each (Poisson) for a while, on a fresh server. */
export async function runTyping(contender: Contender, load: TypingWorkload, start: StartOptions & { seed: number; run: number; attempt: number }): Promise<TypingResult> {
  const server = await ServerProcess.start(contender.spec, start);
  const errors = new ErrorTally();
  const client = contender.client(server.url, errors);
  try {
    const log = new DeliveryLog(errors);
    const rooms = await openRooms(client, load.rooms, log);
    await sleep(SETTLE_MS);

    const monitor = new GeneratorMonitor();
    const machineLoad = await MachineLoadMonitor.start();
    const cpuBefore = await server.cpuMs();
    const stopAt = performance.now() + load.durationMs;
    rooms.forEach((room, i) => {
      // Same seeds for both servers: they see the very same key presses.
      room.a.type(seededRandom(start.seed + 2 * i), load.keysPerSecond, stopAt);
      room.b.type(seededRandom(start.seed + 2 * i + 1), load.keysPerSecond, stopAt);
    });
    await sleep(load.durationMs);
    await waitFor(() => log.keysDelivered >= log.keysPressed, DRAIN_TIMEOUT_MS);
    const generator = monitor.stop();
    const cpuMs = (await server.cpuMs()) - cpuBefore;
    const memory = await server.memory();
    const machine = await machineLoad.stop(cpuMs + generator.cpuMs);
    for (const room of rooms) {
      room.a.stop();
      room.b.stop();
    }

    const keys = log.keysPressed;
    return {
      workload: load.workload,
      run: start.run,
      attempt: start.attempt,
      server: contender.spec.name,
      rooms: load.rooms,
      keysPerSecond: load.keysPerSecond,
      durationS: load.durationMs / 1000,
      keysSent: keys,
      deliveredPct: keys === 0 ? 0 : (log.keysDelivered / keys) * 100,
      duplicates: log.duplicates,
      latencyMs: summarize(log.latenciesMs),
      httpRequestsPerKey: keys === 0 ? Number.NaN : generator.httpRequests / keys,
      serverCpuMsPer1kKeys: keys === 0 ? Number.NaN : (cpuMs / keys) * 1000,
      serverPeakRssMb: memory.peakRssBytes / 2 ** 20,
      errors: errors.count,
      errorKinds: errors.toJSON(),
      generator,
      machine,
      validity: judge(generator, machine),
    };
  } finally {
    await client.close();
    await server.stop();
  }
}
