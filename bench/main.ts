/**
 * npm run bench [-- --smoke] [-- --only=a,c] [-- --runs=N] [-- --profile] [-- --no-pin]
 *
 * Runs the workloads of issue 5 against Phantachat and the Socket.IO polling peer,
 * one fresh server at a time pinned to CPU 0 while this generator runs on CPU 1. Prints
 * one JSON line per run on stdout as it finishes, then the side-by-side tables and the
 * targets. Exits 1 when any run lost, duplicated or failed a key.
 */
import { execFileSync } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_PLAN, SMOKE_PLAN, selectPlan } from './plan.js';
import { summarizeProfile } from './profile-summary.js';
import { checkTargets, formatTables, formatTargets } from './report.js';
import { correctnessFailures, runSuite } from './suite.js';

const SERVER_CPU = 0;
const GENERATOR_CPU = 1;
const PROFILE_DIR = 'dist/bench/profiles';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
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
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  let plan = selectPlan(values.smoke ? SMOKE_PLAN : FULL_PLAN, values.only?.split(','), runs);
  if (values.profile) plan = selectPlan(FULL_PLAN, ['a'], 1);
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
  log(`${startedAt.toISOString().slice(0, 10)} · ${cpus()[0]?.model ?? 'unknown CPU'} · ${machineCpus} CPUs · Node ${process.version}`);
  log(`load average ${loadavg().map((n) => n.toFixed(2)).join(' ')} at the end`);
  log(`servers pinned to CPU ${pinned ? SERVER_CPU : '(unpinned)'}, generator to CPU ${pinned ? GENERATOR_CPU : '(unpinned)'} · ${seconds} s`);
  log('');
  log(formatTables(results));
  const targets = checkTargets(results);
  // A smoke run is too small for its figures to mean anything; it checks delivery only.
  if (values.smoke) log('\nsmoke run: figures are not comparable, only delivery is checked');
  else if (targets.length > 0) log(`\n${formatTargets(targets)}`);
  const measured = [...results.typing, ...results.idlePolls];
  const contended = measured.filter((r) => r.machine.contended);
  if (contended.length > 0) {
    log(`\n⚠ other processes used ≥ 20 % of a core during: ${contended.map((r) => `(${r.workload}) ${r.server} ${Math.round(r.machine.othersCpuPct)} %`).join(', ')}; latencies there are the machine's, not the servers'`);
  }
  const bound = measured.filter((r) => r.generator.bound);
  if (bound.length > 0) {
    log(`\n⚠ generator-bound (CPU ≥ 85 % or loop lag p99 ≥ 20 ms), so the server figures may be flattered or hidden: ${bound.map((r) => `(${r.workload}) ${r.server}`).join(', ')}`);
  }

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
