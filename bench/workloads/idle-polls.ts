import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorTally } from '../bench-client.js';
import { waitFor } from '../concurrency.js';
import type { Contender } from '../contenders.js';
import { GeneratorMonitor, type GeneratorReport } from '../generator-monitor.js';
import { MachineLoadMonitor, type MachineLoad } from '../machine-load.js';
import { ServerProcess, type StartOptions } from '../server-process.js';
import { summarize, type Summary } from '../stats.js';
import { DeliveryLog } from '../typist.js';
import { judge, type Validity } from '../validity.js';
import { openRooms } from './rooms.js';

export interface IdlePollsWorkload {
  workload: string;
  /** Rooms of two, each participant holding one poll. */
  rooms: number;
  /** Rooms that then get one key each. */
  wakeRooms: number;
  /**
   * Pause before each RSS sample, so startup garbage and the setup phase's allocations
   * settle (2 s is plenty for either server; the smoke test, which reads no figure, uses less).
   */
  settleMs: number;
}

export interface IdlePollsResult {
  workload: string;
  run: number;
  /** 1 for the first try of this run; more when earlier tries were invalid. */
  attempt: number;
  server: string;
  heldPolls: number;
  rssIdleMb: number;
  rssHeldMb: number;
  rssPerHeldPollKb: number;
  wakeKeys: number;
  wakeDeliveredPct: number;
  wakeLatencyMs: Summary;
  duplicates: number;
  errors: number;
  errorKinds: Record<string, number>;
  generator: GeneratorReport;
  machine: MachineLoad;
  validity: Validity;
}

const WAKE_TIMEOUT_MS = 5_000;

/** Many held polls and nothing typed: what a held poll costs, then how fast one key wakes one. */
export async function runIdlePolls(contender: Contender, load: IdlePollsWorkload, start: StartOptions & { run: number; attempt: number }): Promise<IdlePollsResult> {
  const server = await ServerProcess.start(contender.spec, start);
  const errors = new ErrorTally();
  const client = contender.client(server.url, errors);
  try {
    await sleep(load.settleMs);
    const idle = await server.memory();
    const log = new DeliveryLog(errors);
    const rooms = await openRooms(client, load.rooms, log);
    // Watched from here: the held RSS and the wake both count, and a window of a few
    // milliseconds (the wake alone) is too short for /proc's 10 ms ticks.
    const monitor = new GeneratorMonitor();
    const machineLoad = await MachineLoadMonitor.start();
    const cpuBefore = await server.cpuMs();
    await sleep(load.settleMs);
    const held = await server.memory();
    for (const room of rooms.slice(0, load.wakeRooms)) room.a.press();
    await waitFor(() => log.keysDelivered >= log.keysPressed, WAKE_TIMEOUT_MS);
    const generator = monitor.stop();
    const machine = await machineLoad.stop((await server.cpuMs()) - cpuBefore + generator.cpuMs);

    const heldPolls = load.rooms * 2;
    return {
      workload: load.workload,
      run: start.run,
      attempt: start.attempt,
      server: contender.spec.name,
      heldPolls,
      rssIdleMb: idle.rssBytes / 2 ** 20,
      rssHeldMb: held.rssBytes / 2 ** 20,
      rssPerHeldPollKb: (held.rssBytes - idle.rssBytes) / heldPolls / 1024,
      wakeKeys: log.keysPressed,
      wakeDeliveredPct: log.keysPressed === 0 ? 0 : (log.keysDelivered / log.keysPressed) * 100,
      wakeLatencyMs: summarize(log.latenciesMs),
      duplicates: log.duplicates,
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
