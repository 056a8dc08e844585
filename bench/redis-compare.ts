/**
 * npx tsx bench/redis-compare.ts [--rooms=50] [--keys=5] [--seconds=20] [--runs=3]
 *
 * Keystroke latency and server CPU per keystroke: one instance on the memory store
 * against two instances sharing one Redis (each room's two participants on different
 * instances, so every key crosses Redis pub/sub). Runs compiled JavaScript (npm run
 * build first) and a private redis-server, so the shared one's other users do not count.
 * Prints one JSON line per run, then a table of medians.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { ChatEvent, JoinResponse } from '../server/protocol.js';
import { freePort } from './free-port.js';
import { cpuMs } from './proc-stats.js';
import { median, round, summarize, type Summary } from './stats.js';
import { UNLIMITED_CLIENT_ENV } from './server-process.js';

const { values } = parseArgs({
  options: { rooms: { type: 'string', default: '50' }, keys: { type: 'string', default: '5' }, seconds: { type: 'string', default: '20' }, runs: { type: 'string', default: '3' } },
});
const ROOMS = Number(values.rooms);
const KEYS_PER_SECOND = Number(values.keys); // per participant, Poisson
const DURATION_MS = Number(values.seconds) * 1000;
const RUNS = Number(values.runs);
// Lets the joins' polls settle before the clock starts; keys in flight at the end get the drain.
const SETTLE_MS = 1_000;
const DRAIN_MS = 2_000;

interface Result {
  setup: string;
  run: number;
  keys: number;
  deliveredPct: number;
  latencyMs: Summary;
  nodeCpuMsPerKey: number;
  redisCpuMsPerKey: number;
}

const children = new Set<ChildProcess>();
process.on('SIGINT', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(130);
});

async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ROOM_SALT: 'bench-redis-compare', ROOMS_PER_MINUTE: '10000000', ...UNLIMITED_CLIENT_ENV, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  for (let i = 0; i < 200; i += 1) {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok) return { url: `http://127.0.0.1:${port}`, child };
    await sleep(50);
  }
  throw new Error('server did not start');
}

async function startRedis(): Promise<{ url: string; child: ChildProcess; cpuMs: () => Promise<number>; disconnect: () => void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.add(child);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { retryStrategy: () => 50 });
  client.on('error', () => {}); // refused until redis-server listens; the ping below waits for it
  await client.ping();
  const redisCpuMs = async (): Promise<number> => {
    const info = await client.info('cpu');
    const seconds = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
  };
  return { url, child, cpuMs: redisCpuMs, disconnect: () => client.disconnect() };
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${res.status}`);
  return (await res.json()) as T;
}

/** One run: ROOMS rooms × 2 typists; participant 0 on the first server, participant 1 on the last. */
async function run(setup: string, servers: string[], redisCpu: () => Promise<number>, pids: number[], runIndex: number): Promise<Result> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // One controller per request: a shared signal would collect one listener per fetch.
  const inFlight = new Set<AbortController>();
  let stopped = false;
  let keys = 0;
  const seats: Array<{ base: string; room: string; join: JoinResponse; name: string }> = [];
  for (let r = 0; r < ROOMS; r += 1) {
    const { room } = await post<{ room: string }>(`${servers[0]}/rooms`, {});
    for (const [i, base] of [servers[0]!, servers[servers.length - 1]!].entries()) {
      const name = `r${r}p${i}`;
      seats.push({ base, room, name, join: await post<JoinResponse>(`${base}/rooms/${room}/join`, { name }) });
    }
  }
  const polls = seats.map(async (seat) => {
    let cursor = seat.join.cursor;
    while (!stopped) {
      const abort = new AbortController();
      inFlight.add(abort);
      try {
        const res = await fetch(`${seat.base}/rooms/${seat.room}/poll?cursor=${cursor}`, { headers: { Authorization: `Bearer ${seat.join.token}` }, signal: abort.signal });
        const body = (await res.json()) as { events: ChatEvent[]; cursor: string };
        const now = performance.now();
        for (const event of body.events) {
          const sent = event.type === 'text' && event.name !== seat.name ? sentAt.get(event.text!) : undefined;
          if (sent !== undefined) latencies.push(now - sent);
        }
        cursor = body.cursor;
      } catch {
        // aborted at the end
      } finally {
        inFlight.delete(abort);
      }
    }
  });
  await sleep(SETTLE_MS);
  const nodeBefore = (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0);
  const redisBefore = await redisCpu();
  const endAt = performance.now() + DURATION_MS;
  const typing = seats.map(async (seat) => {
    for (let seq = 0; ; seq += 1) {
      await sleep(-Math.log(1 - Math.random()) * (1000 / KEYS_PER_SECOND));
      if (performance.now() >= endAt) return;
      const text = `${seat.name}k${seq}`;
      sentAt.set(text, performance.now());
      keys += 1;
      await post(`${seat.base}/rooms/${seat.room}/send`, { text, seq }, seat.join.token).catch(() => {});
    }
  });
  await Promise.all(typing);
  await sleep(DRAIN_MS);
  const nodeCpu = (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0) - nodeBefore;
  const redisCpuUsed = (await redisCpu()) - redisBefore;
  stopped = true;
  for (const abort of inFlight) abort.abort();
  await Promise.all(polls);
  return {
    setup,
    run: runIndex,
    keys,
    deliveredPct: round((100 * latencies.length) / keys),
    latencyMs: mapSummary(summarize(latencies)),
    nodeCpuMsPerKey: round(nodeCpu / keys, 3),
    redisCpuMsPerKey: round(redisCpuUsed / keys, 3),
  };
}

function mapSummary(summary: Summary): Summary {
  return { p50: round(summary.p50), p95: round(summary.p95), p99: round(summary.p99), max: round(summary.max) };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (let r = 1; r <= RUNS; r += 1) {
    const memory = await startServer({});
    results.push(await run('1 instance, memory', [memory.url], async () => 0, [memory.child.pid!], r));
    memory.child.kill('SIGTERM');
    await once(memory.child, 'exit');
    process.stdout.write(`${JSON.stringify(results.at(-1))}\n`);

    const redis = await startRedis();
    const instances = await Promise.all([startServer({ REDIS_URL: redis.url }), startServer({ REDIS_URL: redis.url })]);
    results.push(await run('2 instances, Redis', instances.map((i) => i.url), redis.cpuMs, instances.map((i) => i.child.pid!), r));
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => once(i.child, 'exit')));
    redis.disconnect();
    redis.child.kill('SIGTERM');
    await once(redis.child, 'exit');
    process.stdout.write(`${JSON.stringify(results.at(-1))}\n`);
  }
  process.stderr.write(`\n${ROOMS} rooms × 2 typists × ${KEYS_PER_SECOND} keys/s for ${DURATION_MS / 1000} s, medians of ${RUNS} runs\n`);
  process.stderr.write('setup                | keys  | delivered | p50 ms | p95 ms | p99 ms | node CPU ms/key | redis CPU ms/key\n');
  for (const setup of ['1 instance, memory', '2 instances, Redis']) {
    const mine = results.filter((result) => result.setup === setup);
    const m = (pick: (result: Result) => number): number => round(median(mine.map(pick)), 3);
    process.stderr.write(
      `${setup.padEnd(20)} | ${String(m((x) => x.keys)).padStart(5)} | ${String(m((x) => x.deliveredPct)).padStart(8)}% | ${String(m((x) => x.latencyMs.p50)).padStart(6)} | ${String(m((x) => x.latencyMs.p95)).padStart(6)} | ${String(m((x) => x.latencyMs.p99)).padStart(6)} | ${String(m((x) => x.nodeCpuMsPerKey)).padStart(15)} | ${String(m((x) => x.redisCpuMsPerKey)).padStart(16)}\n`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`redis-compare: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
