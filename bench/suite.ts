import { contenders, type Contender } from './contenders.js';
import { freePort } from './free-port.js';
import type { Plan } from './plan.js';
import { runIdlePolls, type IdlePollsResult } from './workloads/idle-polls.js';
import { runIdleRooms, type IdleRoomsResult } from './workloads/idle-rooms.js';
import { runTyping, type TypingResult } from './workloads/typing.js';

export interface SuiteOptions {
  plan: Plan;
  /** Run our server from TypeScript sources through tsx (smoke) rather than from dist/. */
  fromSource: boolean;
  /** CPU for the servers (taskset); undefined leaves them unpinned. */
  serverCpu: number | undefined;
  /** Called with each run's result as soon as it is in. */
  onResult?: (result: RunResult) => void;
  /** Only these servers, by name; both when undefined. */
  servers?: string[];
  extraNodeArgs?: string[];
}

export type RunResult = TypingResult | IdlePollsResult | IdleRoomsResult;

export interface SuiteResults {
  typing: TypingResult[];
  idlePolls: IdlePollsResult[];
  idleRooms: IdleRoomsResult[];
}

// Any fixed seed will do; fixed so that runs can be compared across commits.
const SEED = 0x5eed;

/** Runs the plan: every workload on a fresh server per run, the servers one at a time. */
export async function runSuite({ plan, fromSource, serverCpu, onResult = () => {}, servers, extraNodeArgs }: SuiteOptions): Promise<SuiteResults> {
  const all = await contenders({ fromSource });
  const chosen = all.filter((c) => servers === undefined || servers.includes(c.spec.name));
  const start = async (): Promise<{ port: number; cpu: number | undefined; extraNodeArgs?: string[] }> => ({
    port: await freePort(),
    cpu: serverCpu,
    ...(extraNodeArgs ? { extraNodeArgs } : {}),
  });
  const results: SuiteResults = { typing: [], idlePolls: [], idleRooms: [] };
  const record = <T extends RunResult>(list: T[], result: T): void => {
    list.push(result);
    onResult(result);
  };

  for (const load of plan.typing) {
    for (let run = 1; run <= load.runs; run += 1) {
      // Alternating servers within each run spreads any drift of the machine over both.
      for (const contender of chosen) {
        record(results.typing, await runTyping(contender, load, { ...(await start()), seed: SEED + run * 1_000_003, run }));
      }
    }
  }
  for (const load of plan.idlePolls) {
    for (const contender of chosen) record(results.idlePolls, await runIdlePolls(contender, load, await start()));
  }
  const ours: Contender[] = chosen.filter((c) => c.spec.name === 'phantachat');
  for (const load of plan.idleRooms) {
    for (const contender of ours) record(results.idleRooms, await runIdleRooms(contender, load, await start()));
  }
  return results;
}

/** Every run must deliver every key exactly once without an error; the list of what did not. */
export function correctnessFailures(results: SuiteResults): string[] {
  const failures: string[] = [];
  for (const r of results.typing) {
    const label = `(${r.workload}) run ${r.run} ${r.server}`;
    if (r.keysSent === 0) failures.push(`${label}: no keys were sent`);
    if (r.deliveredPct !== 100) failures.push(`${label}: delivered ${r.deliveredPct.toFixed(2)} %`);
    if (r.duplicates !== 0) failures.push(`${label}: ${r.duplicates} duplicates`);
    if (r.errors !== 0) failures.push(`${label}: errors ${JSON.stringify(r.errorKinds)}`);
  }
  for (const r of results.idlePolls) {
    const label = `(${r.workload}) ${r.server}`;
    if (r.wakeDeliveredPct !== 100) failures.push(`${label}: woke ${r.wakeDeliveredPct.toFixed(2)} %`);
    if (r.duplicates !== 0) failures.push(`${label}: ${r.duplicates} duplicates`);
    if (r.errors !== 0) failures.push(`${label}: errors ${JSON.stringify(r.errorKinds)}`);
  }
  for (const r of results.idleRooms) {
    if (r.errors !== 0) failures.push(`(${r.workload}) ${r.server}: ${r.errors} rooms not created`);
  }
  return failures;
}
