import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { mapLimit } from '../concurrency.js';
import type { Contender } from '../contenders.js';
import { MachineLoadMonitor, type MachineLoad } from '../machine-load.js';
import { ServerProcess, type StartOptions } from '../server-process.js';
import { judge, type Validity } from '../validity.js';

export interface IdleRoomsWorkload {
  workload: string;
  rooms: number;
  /** How long CPU is sampled once every room exists. */
  sampleMs: number;
  /** Pause between creating the last room and sampling: creation garbage is collected within ~2 s. */
  settleMs: number;
}

export interface IdleRoomsResult {
  workload: string;
  run: number;
  /** 1 for the first try of this run; more when earlier tries were invalid. */
  attempt: number;
  server: string;
  rooms: number;
  createS: number;
  rssMb: number;
  cpuPct: number;
  errors: number;
  machine: MachineLoad;
  validity: Validity;
}

const CREATE_CONNECTIONS = 32;

/**
 * Rooms created and left alone, on servers whose rooms outlive their participants
 * (Phantachat and the floor); Socket.IO rooms exist only while sockets sit in them.
 */
export async function runIdleRooms(contender: Contender, load: IdleRoomsWorkload, start: StartOptions & { run: number; attempt: number }): Promise<IdleRoomsResult> {
  const server = await ServerProcess.start(contender.spec, start);
  const pool = new Pool(server.url, { connections: CREATE_CONNECTIONS });
  let errors = 0;
  try {
    const createdAt = performance.now();
    await mapLimit(load.rooms, CREATE_CONNECTIONS * 2, async () => {
      const response = await pool.request({ method: 'POST', path: '/rooms' });
      await response.body.dump();
      if (response.statusCode !== 201) errors += 1;
    });
    const createS = (performance.now() - createdAt) / 1000;
    await sleep(load.settleMs);
    const machineLoad = await MachineLoadMonitor.start();
    const ownBefore = process.cpuUsage();
    const cpuBefore = await server.cpuMs();
    await sleep(load.sampleMs);
    const cpuMs = (await server.cpuMs()) - cpuBefore;
    const own = process.cpuUsage(ownBefore);
    const machine = await machineLoad.stop(cpuMs + (own.user + own.system) / 1000);
    const memory = await server.memory();
    return {
      workload: load.workload,
      run: start.run,
      attempt: start.attempt,
      server: contender.spec.name,
      rooms: load.rooms,
      createS,
      rssMb: memory.rssBytes / 2 ** 20,
      cpuPct: (cpuMs / load.sampleMs) * 100,
      errors,
      machine,
      // The generator is idle while sampling; only the rest of the machine can disturb it.
      validity: judge(undefined, machine),
    };
  } finally {
    await pool.destroy();
    await server.stop();
  }
}
