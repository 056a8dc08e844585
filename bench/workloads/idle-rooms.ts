import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { mapLimit } from '../concurrency.js';
import type { Contender } from '../contenders.js';
import type { MachineLoad } from '../machine-load.js';
import { judge, type Validity } from '../validity.js';
import { onFreshServer, openWindow, runLabel, type RunLabel, type RunStart } from './measured-run.js';

export interface IdleRoomsWorkload {
  workload: string;
  rooms: number;
  /** How long CPU is sampled once every room exists. */
  sampleMs: number;
  /** Pause between creating the last room and sampling: creation garbage is collected within ~2 s. */
  settleMs: number;
}

export interface IdleRoomsResult extends RunLabel {
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
export function runIdleRooms(contender: Contender, load: IdleRoomsWorkload, start: RunStart): Promise<IdleRoomsResult> {
  return onFreshServer(contender, start, async (server) => {
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
      const closeWindow = await openWindow(server);
      await sleep(load.sampleMs);
      const { serverCpuMs, machine } = await closeWindow();
      const memory = await server.memory();
      return {
        ...runLabel(load.workload, contender, start),
        rooms: load.rooms,
        createS,
        rssMb: memory.rssBytes / 2 ** 20,
        cpuPct: (serverCpuMs / load.sampleMs) * 100,
        errors,
        machine,
        // The generator is idle while sampling; only the rest of the machine can disturb it.
        validity: judge(undefined, machine),
      };
    } finally {
      await pool.destroy();
    }
  });
}
