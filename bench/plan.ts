import type { IdlePollsWorkload } from './workloads/idle-polls.js';
import type { IdleRoomsWorkload } from './workloads/idle-rooms.js';
import type { TypingWorkload } from './workloads/typing.js';

/** What one `npm run bench` runs: the workloads of issue 8, each `runs` times per server. */
export interface Plan {
  typing: TypingWorkload[];
  idlePolls: IdlePollsWorkload[];
  idleRooms: IdleRoomsWorkload[];
  /** Valid runs wanted per workload and server; tables quote their medians. */
  runs: number;
  /** Extra tries of one run that came out invalid, before it is given up (and marked). */
  retries: number;
}

export const FULL_PLAN: Plan = {
  typing: [
    { workload: 'a', rooms: 200, keysPerSecond: 3, durationMs: 15_000 },
    { workload: 'b', rooms: 1_000, keysPerSecond: 0.5, durationMs: 15_000 },
  ],
  // 1,500 rooms of two: 3,000 held polls, as issue 8 measures memory per held poll.
  idlePolls: [{ workload: 'c', rooms: 1_500, wakeRooms: 100, settleMs: 2_000 }],
  // 10 s of samples: /proc counts CPU in 10 ms ticks, so 0.1 % of a core is still visible.
  idleRooms: [{ workload: 'd', rooms: 100_000, sampleMs: 10_000, settleMs: 2_000 }],
  // Three runs, medians quoted: one run on a shared machine is one sample.
  runs: 3,
  // Two more tries: a neighbour's burst passes; a machine busy for three tries in a row is not fit to measure on.
  retries: 2,
};

/** A few seconds, end to end through all three servers, so the harness itself cannot rot. */
export const SMOKE_PLAN: Plan = {
  typing: [{ workload: 'a', rooms: 10, keysPerSecond: 4, durationMs: 1_000 }],
  idlePolls: [{ workload: 'c', rooms: 10, wakeRooms: 5, settleMs: 200 }],
  idleRooms: [{ workload: 'd', rooms: 300, sampleMs: 300, settleMs: 200 }],
  runs: 1,
  // The smoke run checks delivery only; its figures are never quoted, so it never retries.
  retries: 0,
};

export interface PlanOverrides {
  /** Keeps only the named workloads ('a', 'c', ...); all when undefined. */
  only?: string[] | undefined;
  runs?: number | undefined;
  retries?: number | undefined;
  /** Replaces every typing workload's duration (a short check of the harness). */
  seconds?: number | undefined;
}

export function selectPlan(plan: Plan, { only, runs, retries, seconds }: PlanOverrides): Plan {
  const keep = (w: { workload: string }): boolean => only === undefined || only.includes(w.workload);
  return {
    typing: plan.typing.filter(keep).map((w) => (seconds === undefined ? w : { ...w, durationMs: seconds * 1000 })),
    idlePolls: plan.idlePolls.filter(keep),
    idleRooms: plan.idleRooms.filter(keep),
    runs: runs ?? plan.runs,
    retries: retries ?? plan.retries,
  };
}
