import type { IdlePollsWorkload } from './workloads/idle-polls.js';
import type { IdleRoomsWorkload } from './workloads/idle-rooms.js';
import type { TypingWorkload } from './workloads/typing.js';

/** What one `npm run bench` runs; the workloads of issue 5. */
export interface Plan {
  typing: Array<TypingWorkload & { runs: number }>;
  idlePolls: IdlePollsWorkload[];
  idleRooms: IdleRoomsWorkload[];
}

export const FULL_PLAN: Plan = {
  typing: [
    // Three runs, medians quoted: one run of 20 s on a shared machine is one sample.
    { workload: 'a', rooms: 200, keysPerSecond: 3, durationMs: 20_000, runs: 3 },
    { workload: 'b', rooms: 1_000, keysPerSecond: 0.5, durationMs: 20_000, runs: 1 },
  ],
  idlePolls: [{ workload: 'c', rooms: 2_500, wakeRooms: 100, settleMs: 2_000 }],
  idleRooms: [{ workload: 'd', rooms: 100_000, sampleMs: 30_000, settleMs: 2_000 }],
};

/** A few seconds, end to end through both servers, so the harness itself cannot rot. */
export const SMOKE_PLAN: Plan = {
  typing: [{ workload: 'a', rooms: 10, keysPerSecond: 4, durationMs: 1_500, runs: 1 }],
  idlePolls: [{ workload: 'c', rooms: 10, wakeRooms: 5, settleMs: 200 }],
  idleRooms: [{ workload: 'd', rooms: 500, sampleMs: 500, settleMs: 200 }],
};

/** Keeps only the named workloads ('a', 'c', ...); all when `only` is undefined. */
export function selectPlan(plan: Plan, only: string[] | undefined, runs: number | undefined): Plan {
  const keep = (workload: string): boolean => only === undefined || only.includes(workload);
  return {
    typing: plan.typing.filter((w) => keep(w.workload)).map((w) => ({ ...w, runs: runs ?? w.runs })),
    idlePolls: plan.idlePolls.filter((w) => keep(w.workload)),
    idleRooms: plan.idleRooms.filter((w) => keep(w.workload)),
  };
}
