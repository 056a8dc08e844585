/**
 * npm run bench [-- --smoke] [-- --only=a,c] [-- --runs=N] [-- --retries=N] [-- --seconds=S] [-- --profile] [-- --no-pin]
 *
 * Runs the workloads of issue 8 against Phantachat, the Socket.IO polling peer and the
 * node:http floor, one fresh server at a time pinned to CPU 0 while this generator runs
 * on CPU 1. Prints one JSON line per try on stdout as it finishes, then the machine, the
 * three-way tables with validity, and the targets. Exits 1 when any try lost,
 * duplicated or failed a key.
 */
import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_PLAN, SMOKE_PLAN, selectPlan } from './plan.js';
import { summarizeProfile } from './profile-summary.js';
import { formatTables } from './report.js';
import { correctnessFailures, runSuite } from './suite.js';
import { checkTargets, formatTargets } from './targets.js';
import { GENERATOR_MAX_CPU_PCT, GENERATOR_MAX_LAG_P99_MS, OTHERS_MAX_CPU_PCT } from './validity.js';

const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
const PROFILE_DIR = 'dist/bench/profiles';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    retries: { type: 'string' },
    seconds: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
  },
});

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function pinGenerator(): boolean {
  if (values['no-pin'] || availableParallelism() < 2) return false;
  try {
    // -a: every thread of this process (libuv's pool and V8's helpers too).
    execFileSync('taskset', ['-a', '-cp', String(GENERATOR_CPU), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    log('bench: taskset failed; running unpinned, figures are less trustworthy');
    return false;
  }
}

async function main(): Promise<number> {
  // Read before pinning: afterwards this process sees only its own CPU.
  const machineCpus = availableParallelism();
  const pinned = pinGenerator();
  const startedAt = new Date();
  const number = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));
  const overrides = { only: values.only?.split(','), runs: number(values.runs), retries: number(values.retries), seconds: number(values.seconds) };
  let plan = selectPlan(values.smoke ? SMOKE_PLAN : FULL_PLAN, overrides);
  if (values.profile) plan = selectPlan(FULL_PLAN, { only: ['a'], runs: 1, retries: 0 });
  if (values.profile) await rm(PROFILE_DIR, { recursive: true, force: true });

  const results = await runSuite({
    plan,
    fromSource: false,
    serverCpu: pinned ? SERVER_CPU : undefined,
    onResult: (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    ...(values.profile ? { servers: ['phantachat'], extraNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {}),
  });
  const seconds = Math.round((Date.now() - startedAt.getTime()) / 1000);

  log('');
  log(`${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${cpus()[0]?.model ?? 'unknown CPU'} · ${machineCpus} CPUs · ${Math.round(totalmem() / 2 ** 30)} GB · Node ${process.version} · ${seconds} s`);
  log(`servers pinned to CPU ${pinned ? SERVER_CPU : '(unpinned)'}, generator to CPU ${pinned ? GENERATOR_CPU : '(unpinned)'} · load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} at the end`);
  log(`a try is valid when the generator stays ≤ ${GENERATOR_MAX_CPU_PCT} % of its core and its loop lag p99 ≤ ${GENERATOR_MAX_LAG_P99_MS} ms, and other processes use ≤ ${OTHERS_MAX_CPU_PCT} % of a core; invalid tries are retried up to ${plan.retries} times and never quoted`);
  log('');
  log(formatTables(results));
  // A smoke run is too small for its figures to mean anything; it checks delivery only.
  if (values.smoke) log('\nsmoke run: figures are not comparable, only delivery is checked');
  else log(`\n${formatTargets(checkTargets(results))}`);

  if (values.profile) {
    for (const file of await readdir(PROFILE_DIR)) {
      const summary = await summarizeProfile(join(PROFILE_DIR, file));
      log(`\nprofile ${join(PROFILE_DIR, file)}\n\nself time by origin:`);
      for (const line of summary.byOrigin) log(`${line.selfPct.toFixed(1).padStart(6)} %  ${line.name}`);
      log('\nself time by function:');
      for (const line of summary.byFunction) log(`${line.selfPct.toFixed(1).padStart(6)} %  ${line.name}`);
    }
  }

  const failures = correctnessFailures(results);
  for (const failure of failures) log(`FAILED ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
