import { contenders, FLOOR, OURS } from './contenders.js';
import { freePort } from './free-port.js';
import type { Plan } from './plan.js';
import type { StartOptions } from './server-process.js';
import { untilValid } from './until-valid.js';
import { runIdlePolls, type IdlePollsResult } from './workloads/idle-polls.js';
import { runIdleRooms, type IdleRoomsResult } from './workloads/idle-rooms.js';
import { runTyping, type TypingResult } from './workloads/typing.js';

export interface SuiteOptions {
  plan: Plan;
  /** Run our server from TypeScript sources through tsx (smoke) rather than from dist/. */
  fromSource: boolean;
  /** CPU for the servers (taskset); undefined leaves them unpinned. */
  serverCpu: number | undefined;
  /** Called with each try's result as soon as it is in, valid or not. */
  onResult?: (result: RunResult) => void;
  /** Only these servers, by name; all when undefined. */
  servers?: string[];
  extraNodeArgs?: string[];
}

export type RunResult = TypingResult | IdlePollsResult | IdleRoomsResult;

/** Every try of every run, invalid ones included (marked): reports quote only the valid. */
export interface SuiteResults {
  typing: TypingResult[];
  idlePolls: IdlePollsResult[];
  idleRooms: IdleRoomsResult[];
}

// Any fixed seed will do; fixed so that runs can be compared across commits.
const SEED = 0x5eed;
// Servers whose rooms outlive their participants, so (d) means something for them.
const ROOMS_WITHOUT_SOCKETS = [OURS, FLOOR];

/**
 * Runs the plan: every try on a fresh server, one server at a time, alternating
 * servers within each run so any drift of the machine spreads over all of them. A try
 * that comes out invalid is tried again, at most `plan.retries` more times.
 */
export async function runSuite({ plan, fromSource, serverCpu, onResult = () => {}, servers, extraNodeArgs }: SuiteOptions): Promise<SuiteResults> {
  const chosen = (await contenders({ fromSource })).filter((c) => servers === undefined || servers.includes(c.spec.name));
  const start = async (): Promise<StartOptions> => ({ port: await freePort(), cpu: serverCpu, ...(extraNodeArgs ? { extraNodeArgs } : {}) });
  const results: SuiteResults = { typing: [], idlePolls: [], idleRooms: [] };
  const tries = async <T extends RunResult>(list: T[], once: (attempt: number) => Promise<T>): Promise<void> => {
    await untilValid(plan.retries, async (attempt) => {
      const result = await once(attempt);
      list.push(result);
      onResult(result);
      return result;
    });
  };

  for (let run = 1; run <= plan.runs; run += 1) {
    for (const load of plan.typing) {
      // Same seed for every server within a run: they see the very same key presses.
      const seed = SEED + run * 1_000_003;
      for (const c of chosen) await tries(results.typing, async (attempt) => runTyping(c, load, { ...(await start()), seed, run, attempt }));
    }
    for (const load of plan.idlePolls) {
      for (const c of chosen) await tries(results.idlePolls, async (attempt) => runIdlePolls(c, load, { ...(await start()), run, attempt }));
    }
    for (const load of plan.idleRooms) {
      for (const c of chosen.filter((c) => ROOMS_WITHOUT_SOCKETS.includes(c.spec.name))) {
        await tries(results.idleRooms, async (attempt) => runIdleRooms(c, load, { ...(await start()), run, attempt }));
      }
    }
  }
  return results;
}

/** Every try, valid or not, must deliver every key exactly once without an error; the list of what did not. */
export function correctnessFailures(results: SuiteResults): string[] {
  const failures: string[] = [];
  for (const r of results.typing) {
    const label = `(${r.workload}) run ${r.run}.${r.attempt} ${r.server}`;
    if (r.keysSent === 0) failures.push(`${label}: no keys were sent`);
    if (r.deliveredPct !== 100) failures.push(`${label}: delivered ${r.deliveredPct.toFixed(2)} %`);
    if (r.duplicates !== 0) failures.push(`${label}: ${r.duplicates} duplicates`);
    if (r.errors !== 0) failures.push(`${label}: errors ${JSON.stringify(r.errorKinds)}`);
  }
  for (const r of results.idlePolls) {
    const label = `(${r.workload}) run ${r.run}.${r.attempt} ${r.server}`;
    if (r.wakeDeliveredPct !== 100) failures.push(`${label}: woke ${r.wakeDeliveredPct.toFixed(2)} %`);
    if (r.duplicates !== 0) failures.push(`${label}: ${r.duplicates} duplicates`);
    if (r.errors !== 0) failures.push(`${label}: errors ${JSON.stringify(r.errorKinds)}`);
  }
  for (const r of results.idleRooms) {
    if (r.errors !== 0) failures.push(`(${r.workload}) run ${r.run}.${r.attempt} ${r.server}: ${r.errors} rooms not created`);
  }
  return failures;
}
