/**
 * npm run build && npx tsx bench/redis-compare.ts [--rooms=50] [--keys=5] [--seconds=20]
 *   [--count-seconds=5] [--idle-seconds=60] [--runs=3] [--retries=2] [--only=floor,memory,redis,cluster,idle]
 *   [--profile]   (V8 CPU profiles of the Phantachat instances in dist/bench/redis-profiles: a
 *                  profiled run's figures are not to be quoted)
 *
 * What the Redis store costs per keystroke: the floor (a bare node:http server of the same
 * protocol) and one instance on the memory store, against two
 * instances on one private redis-server and two on a private 3-master Redis Cluster (each
 * room's two participants on different instances, so every key crosses Redis), then one
 * instance idle on each Redis. Runs compiled JavaScript (npm run build first) and the
 * project's own client (client/core) for every participant. Per try: keys, delivery,
 * latency, Node and Redis CPU per key, commands per key (MONITOR, a script call as one:
 * see countCommands), calls per key with script-internal ones, top commands, each shard's
 * share of the CPU; idle: commands per minute and connections held.
 * One JSON line per try on stdout, then markdown tables of medians and the targets on stderr.
 * A try is judged as bench/validity.ts says (generator ≤ 85 % of its core, the machine
 * otherwise quiet); an invalid one is retried, and flagged wherever it is shown. A setup
 * that fails (a server that will not start, a refused join) is reported and the rest run on.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ErrorTally } from './bench-client.js';
import { compileFloor, FLOOR_OUTPUT } from './contenders.js';
import { PhantachatClient } from './drivers/phantachat-client.js';
import { waitFor } from './concurrency.js';
import { GeneratorMonitor } from './generator-monitor.js';
import { MachineLoadMonitor } from './machine-load.js';
import { seededRandom } from './random.js';
import { idleTry } from './redis-idle.js';
import { killInstancesSync, message, perUnit, PHANTACHAT_MAIN, startInstance, stopInstances, sumOf, top } from './redis-instances.js';
import { formatIdle, formatTargets, formatTyping, type IdleResult, type TypingResult } from './redis-report.js';
import { countCommands, deltas, startCluster, startSingle, stopAllSync, type CommandCount, type NodeDelta, type RedisDeployment } from './redis-servers.js';
import type { ServerProcess } from './server-process.js';
import { summarize } from './stats.js';
import { DeliveryLog } from './typist.js';
import { judge, type Validity } from './validity.js';
import { openRooms } from './workloads/rooms.js';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '50' },
    keys: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '20' },
    'count-seconds': { type: 'string', default: '5' },
    'idle-seconds': { type: 'string', default: '60' },
    runs: { type: 'string', default: '3' },
    retries: { type: 'string', default: '2' },
    only: { type: 'string', default: 'floor,memory,redis,cluster,idle' },
    profile: { type: 'boolean', default: false },
  },
});
const ROOMS = Number(values.rooms);
const KEYS_PER_SECOND = Number(values.keys); // per participant, Poisson
const DURATION_MS = Number(values.seconds) * 1000;
const COUNT_MS = Number(values['count-seconds']) * 1000;
const IDLE_MS = Number(values['idle-seconds']) * 1000;
const RUNS = Number(values.runs);
const RETRIES = Number(values.retries);
const ONLY = new Set(values.only.split(','));
const PROFILE_DIR = 'dist/bench/redis-profiles';
const PROFILE_ARGS = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, PHANTACHAT_MAIN] : undefined;
// Lets the joins' polls settle before anything is counted.
const SETTLE_MS = 1_000;
// Keys in flight when typing stops get this long to arrive; a healthy setup needs well under 1 s.
const DRAIN_TIMEOUT_MS = 5_000;
// Same seeds in every setup of a run: they see the very same key presses.
const SEED = 0x5eed;

interface Setup {
  name: string;
  key: string;
  instances: number;
  redis?: () => Promise<RedisDeployment>;
  /** The server to run instead of Phantachat's compiled main. */
  nodeArgs?: string[];
}

// The floor is a bare node:http server of the same protocol, rooms in memory (bench/floor).
const SETUPS: Setup[] = [
  { name: 'floor (node:http), 1 instance', key: 'floor', instances: 1, nodeArgs: [FLOOR_OUTPUT] },
  { name: 'memory, 1 instance', key: 'memory', instances: 1 },
  { name: 'Redis, 2 instances', key: 'redis', instances: 2, redis: startSingle },
  { name: 'Cluster ×3, 2 instances', key: 'cluster', instances: 2, redis: startCluster },
];

// Set explicitly: the instances inherit this process's environment, which may name a Redis.
const NO_REDIS = { REDIS_URL: '', REDIS_CLUSTER: 'false' };

process.on('SIGINT', () => {
  killInstancesSync();
  stopAllSync();
  process.exit(130);
});

/**
 * One try of one setup. Every setup types the same way: COUNT_MS first (on Redis, MONITOR
 * counts the commands meanwhile; elsewhere it only warms up alike), then DURATION_MS measured
 * without MONITOR, whose cost per command would otherwise land on Redis and on this process.
 */
async function typingTry(setup: Setup, run: number, attempt: number): Promise<TypingResult> {
  const instances: ServerProcess[] = [];
  let redis: RedisDeployment | undefined;
  let client: PhantachatClient | undefined;
  try {
    redis = await setup.redis?.();
    for (let i = 0; i < setup.instances; i += 1) instances.push(await startInstance(redis?.env ?? NO_REDIS, setup.nodeArgs ?? PROFILE_ARGS));
    const errors = new ErrorTally();
    client = new PhantachatClient(
      'phantachat',
      instances.map((i) => i.url),
      errors,
    );
    const log = new DeliveryLog(errors);
    const rooms = await openRooms(client, ROOMS, log);
    await sleep(SETTLE_MS);

    const stopAt = performance.now() + COUNT_MS + DURATION_MS;
    rooms.forEach((room, i) => {
      const seed = SEED + run * 1_000_003 + 2 * i;
      room.a.type(seededRandom(seed), KEYS_PER_SECOND, stopAt);
      room.b.type(seededRandom(seed + 1), KEYS_PER_SECOND, stopAt);
    });

    let counted: (CommandCount & { keys: number; processed: number }) | undefined;
    if (redis) {
      const keysBefore = log.keysPressed;
      const before = await redis.sample();
      const stop = await countCommands(redis.nodes);
      await sleep(COUNT_MS);
      const count = await stop();
      // Every call INFO counted in the same span, for the coverage check: MONITOR must have seen them all.
      const processed = sumOf(deltas(before, await redis.sample()).map((d) => d.processed));
      counted = { ...count, keys: log.keysPressed - keysBefore, processed };
    } else {
      await sleep(COUNT_MS);
    }

    const generatorMonitor = new GeneratorMonitor();
    const machineLoad = await MachineLoadMonitor.start();
    const nodeBefore = sumOf(await Promise.all(instances.map((i) => i.cpuMs())));
    const redisBefore = await redis?.sample();
    const keysBefore = log.keysPressed;
    const latenciesFrom = log.latenciesMs.length;
    await sleep(Math.max(0, stopAt - performance.now()));
    const keys = log.keysPressed - keysBefore;
    await waitFor(() => log.keysDelivered >= log.keysPressed, DRAIN_TIMEOUT_MS);
    const generator = generatorMonitor.stop();
    const nodeCpuMs = sumOf(await Promise.all(instances.map((i) => i.cpuMs()))) - nodeBefore;
    const shards: NodeDelta[] = redis && redisBefore ? deltas(redisBefore, await redis.sample()) : [];
    const redisCpuMs = sumOf(shards.map((s) => s.cpuMs));
    const machine = await machineLoad.stop(nodeCpuMs + generator.cpuMs + redisCpuMs);
    for (const room of rooms) {
      room.a.stop();
      room.b.stop();
    }

    const calls = new Map<string, number>();
    for (const shard of shards) for (const [name, n] of shard.calls) calls.set(name, (calls.get(name) ?? 0) + n);
    const onRedis = (value: number): number => (redis ? value : Number.NaN);
    return {
      setup: setup.name,
      run,
      attempt,
      keys,
      deliveredPct: log.keysPressed === 0 ? 0 : (log.keysDelivered / log.keysPressed) * 100,
      duplicates: log.duplicates,
      latencyMs: summarize(log.latenciesMs.slice(latenciesFrom)),
      nodeCpuMsPerKey: perUnit(nodeCpuMs, keys),
      redisCpuMsPerKey: onRedis(perUnit(redisCpuMs, keys)),
      redisScriptMsPerKey: onRedis(perUnit(sumOf(shards.map((s) => s.scriptMs)), keys)),
      commandsPerKey: counted ? perUnit(counted.commands, counted.keys) : Number.NaN,
      scriptCallsPerKey: counted ? perUnit(counted.scriptInternal, counted.keys) : Number.NaN,
      monitorCoveragePct: counted ? perUnit(100 * (counted.commands + counted.scriptInternal), counted.processed) : Number.NaN,
      callsPerKeyWithScripts: onRedis(perUnit(sumOf(shards.map((s) => s.processed)), keys)),
      topCalls: top(calls, keys),
      topCommands: counted ? top(counted.byCommand, counted.keys) : [],
      shardCpuPct: redis?.kind === 'cluster' ? shards.map((s) => perUnit(100 * s.cpuMs, redisCpuMs)) : [],
      errors: errors.count,
      errorKinds: errors.toJSON(),
      generator,
      machine,
      validity: judge(generator, machine),
    };
  } catch (error) {
    return { ...failedTyping(setup.name, run, attempt), error: message(error), validity: { valid: false, reasons: [`failed: ${message(error)}`] } };
  } finally {
    await client?.close().catch(() => {});
    await stopInstances(instances).catch(() => {});
    await redis?.stop().catch(() => {});
  }
}

function failedTyping(setup: string, run: number, attempt: number): Omit<TypingResult, 'validity'> {
  const nan = Number.NaN;
  const none = { nodeCpuMsPerKey: nan, redisCpuMsPerKey: nan, redisScriptMsPerKey: nan, commandsPerKey: nan, scriptCallsPerKey: nan, monitorCoveragePct: nan, callsPerKeyWithScripts: nan };
  return { setup, run, attempt, keys: 0, deliveredPct: nan, duplicates: 0, latencyMs: summarize([]), ...none, topCalls: [], topCommands: [], shardCpuPct: [], errors: 0, errorKinds: {} };
}

/** Tries until valid, at most 1 + RETRIES times; a setup that fails outright is not retried (it is broken, not unlucky). */
async function tries<T extends { validity: Validity; error?: string }>(once: (attempt: number) => Promise<T[]>, into: T[]): Promise<void> {
  for (let attempt = 1; attempt <= 1 + RETRIES; attempt += 1) {
    const results = await once(attempt);
    for (const result of results) {
      into.push(result);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
    if (results.every((r) => r.validity.valid || r.error !== undefined)) return;
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  // Each run's profiles alone: V8 names its files by time and pid, so old ones would mix in.
  if (values.profile) await rm(PROFILE_DIR, { recursive: true, force: true });
  if (ONLY.has('floor')) await compileFloor();
  const typing: TypingResult[] = [];
  const idle: IdleResult[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    for (const setup of SETUPS.filter((s) => ONLY.has(s.key))) await tries(async (attempt) => [await typingTry(setup, run, attempt)], typing);
    if (ONLY.has('idle')) await tries((attempt) => idleTry(run, attempt, IDLE_MS), idle);
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  log('');
  log(`${ROOMS} rooms × 2 typists × ${KEYS_PER_SECOND} keys/s: ${COUNT_MS / 1000} s counting commands under MONITOR, then ${DURATION_MS / 1000} s measured; idle ${IDLE_MS / 1000} s; ${RUNS} runs in ${seconds} s; unpinned`);
  log('');
  log(formatTyping(typing));
  if (idle.length > 0) log(`\n${formatIdle(idle)}`);
  log(`\n${formatTargets(typing, idle)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`redis-compare: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killInstancesSync();
    stopAllSync();
    process.exit(1);
  },
);
