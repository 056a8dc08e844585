import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

/**
 * Private redis-servers for the Redis benchmark: one, or a Redis Cluster of three masters
 * without replicas, on free local ports in a temporary directory, so nobody else's
 * traffic counts and nothing outlives the bench (stopAllSync for SIGINT).
 */

const run = promisify(execFile);
// A node that does not answer, or a cluster not ok, within 20 s is broken, not slow.
const READY_TIMEOUT_MS = 20_000;

/** One redis-server, and a connection of the bench's own to read its INFO. */
export interface RedisNode {
  port: number;
  pid: number;
  probe: Redis;
}

/** What INFO says of one node at one moment. */
export interface NodeSample {
  port: number;
  /** used_cpu_user + used_cpu_sys, ms: every thread of the redis-server. */
  cpuMs: number;
  /** total_commands_processed: every call, those made inside scripts included (see countCommands). */
  processed: number;
  connectedClients: number;
  /** INFO commandstats calls by command name ('evalsha', 'client|setname'). */
  calls: Map<string, number>;
  /** INFO commandstats usec of the script calls (EVALSHA, EVAL, FCALL), their insides included. */
  scriptUs: number;
}

export interface RedisDeployment {
  kind: 'single' | 'cluster';
  /** What a Phantachat server needs to use this deployment. */
  env: Record<string, string>;
  nodes: RedisNode[];
  /** One INFO per node. Each sample is itself one command on every node, counted by the next sample. */
  sample(): Promise<NodeSample[]>;
  stop(): Promise<void>;
}

const live = new Set<{ children: ChildProcess[]; dir: string }>();

/** For SIGINT: kill every redis-server started here and delete their directories, synchronously. */
export function stopAllSync(): void {
  for (const { children, dir } of live) {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}

export async function startSingle(): Promise<RedisDeployment> {
  const dir = await mkdtemp(join(tmpdir(), 'phantachat-bench-redis-'));
  const node = await startNode(dir, []);
  return deployment('single', { REDIS_URL: `redis://127.0.0.1:${node.port}`, REDIS_CLUSTER: 'false' }, [node.started], dir);
}

/** Three masters, no replicas: the smallest cluster whose slots are spread over more than one shard. */
export async function startCluster(masters = 3): Promise<RedisDeployment> {
  const dir = await mkdtemp(join(tmpdir(), 'phantachat-bench-cluster-'));
  const started: Array<{ started: StartedNode }> = [];
  let ok = false;
  try {
    for (let i = 0; i < masters; i += 1) {
      const nodeDir = join(dir, String(i));
      await mkdir(nodeDir);
      // The bus port is chosen too: the default (port + 10000) may be taken or past 65535.
      const busPort = await freePort();
      started.push(await startNode(nodeDir, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort), '--cluster-node-timeout', '5000']));
    }
    const addresses = started.map((s) => `127.0.0.1:${s.started.node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: READY_TIMEOUT_MS });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await Promise.all(started.map((s) => clusterOk(s.started.node.probe)))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error('cluster_state did not become ok on every node');
      await sleep(100);
    }
    ok = true;
  } finally {
    if (!ok) await stopNodes(started.map((s) => s.started), dir);
  }
  const first = started[0]!.started.node.port;
  return deployment('cluster', { REDIS_URL: `redis://127.0.0.1:${first}`, REDIS_CLUSTER: 'true' }, started.map((s) => s.started), dir);
}

interface StartedNode {
  node: RedisNode;
  child: ChildProcess;
}

async function startNode(dir: string, extra: string[]): Promise<{ started: StartedNode; port: number }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extra], { stdio: 'ignore' });
  const entry = { children: [child], dir };
  live.add(entry);
  // Retries every 50 ms and queues the ping meanwhile: refused until redis-server listens.
  const probe = new Redis(port, '127.0.0.1', { retryStrategy: () => 50, enableReadyCheck: false, maxRetriesPerRequest: null });
  probe.on('error', () => {});
  const started = { node: { port, pid: child.pid!, probe }, child };
  try {
    const ping = probe.ping();
    const timeout = sleep(READY_TIMEOUT_MS).then(() => {
      throw new Error(`redis-server on ${port} did not answer`);
    });
    await Promise.race([ping, timeout]);
  } catch (error) {
    await stopNodes([started], dir);
    throw error;
  }
  live.delete(entry);
  return { started, port };
}

async function clusterOk(probe: Redis): Promise<boolean> {
  const info = (await probe.call('CLUSTER', 'INFO')) as string;
  return /^cluster_state:ok\r?$/m.test(info);
}

function deployment(kind: 'single' | 'cluster', env: Record<string, string>, started: StartedNode[], dir: string): RedisDeployment {
  const entry = { children: started.map((s) => s.child), dir };
  live.add(entry);
  return {
    kind,
    env,
    nodes: started.map((s) => s.node),
    sample: () => Promise.all(started.map((s) => sampleNode(s.node))),
    stop: async () => {
      live.delete(entry);
      await stopNodes(started, dir);
    },
  };
}

async function stopNodes(started: StartedNode[], dir: string): Promise<void> {
  await Promise.all(
    started.map(async ({ node, child }) => {
      node.probe.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }),
  );
  await rm(dir, { recursive: true, force: true });
}

const SCRIPT_CALLS = new Set(['evalsha', 'eval', 'fcall']);

async function sampleNode(node: RedisNode): Promise<NodeSample> {
  // One INFO with several sections (Redis 7): a single command, so the bench's own footprint is known.
  const info = (await node.probe.call('INFO', 'cpu', 'stats', 'clients', 'commandstats')) as string;
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  const calls = new Map<string, number>();
  let scriptUs = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    calls.set(match[1]!, Number(match[2]));
    if (SCRIPT_CALLS.has(match[1]!)) scriptUs += Number(match[3]);
  }
  return {
    port: node.port,
    cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
    processed: field('total_commands_processed'),
    connectedClients: field('connected_clients'),
    calls,
    scriptUs,
  };
}

/** What the nodes did between two samples, the bench's own INFO (one per node) taken out. */
export interface NodeDelta {
  port: number;
  cpuMs: number;
  /** Every call, script-internal ones included. */
  processed: number;
  calls: Map<string, number>;
  /** Time spent running scripts, ms: the rest of cpuMs is I/O, pub/sub delivery and housekeeping. */
  scriptMs: number;
}

export function deltas(before: NodeSample[], after: NodeSample[]): NodeDelta[] {
  return after.map((a, i) => {
    const b = before[i]!;
    const calls = new Map<string, number>();
    for (const [name, n] of a.calls) {
      // The sample that opened the window is counted by the one that closes it.
      const own = name === 'info' ? 1 : 0;
      const d = n - (b.calls.get(name) ?? 0) - own;
      if (d > 0) calls.set(name, d);
    }
    return { port: a.port, cpuMs: a.cpuMs - b.cpuMs, processed: a.processed - b.processed - 1, calls, scriptMs: (a.scriptUs - b.scriptUs) / 1000 };
  });
}

/** Commands clients sent, as MONITOR on every node saw them; the per-script calls apart. */
export interface CommandCount {
  /** Commands from clients: an EVALSHA is one, whatever it calls. */
  commands: number;
  /** Calls made inside scripts (MONITOR's "[0 lua]" lines). */
  scriptInternal: number;
  byCommand: Map<string, number>;
}

/**
 * Counts what clients send with MONITOR on every node. INFO cannot tell: on Redis 7.0 an
 * EVAL making three redis.call()s raised total_commands_processed by 4 and commandstats by
 * eval 1, set 1, get 1, incr 1 (checked by hand with redis-cli). MONITOR prints those three
 * as "<ts> [0 lua] ..." lines, so the other lines are exactly
 * the commands that crossed the network, an EVALSHA as one. Under load the bench checks that
 * MONITOR saw every call: both kinds of line together are ~100 % of total_commands_processed
 * over the same span ("MONITOR saw %"). MONITOR costs Redis and this process CPU per command,
 * so it must never run while CPU is measured.
 */
export async function countCommands(nodes: RedisNode[]): Promise<() => Promise<CommandCount>> {
  const count: CommandCount = { commands: 0, scriptInternal: 0, byCommand: new Map() };
  let counting = false;
  // A raw socket, not ioredis: ioredis's monitor mode drops its connection ("Command queue
  // state error") when lines arrive in the same chunk as MONITOR's +OK.
  const monitors = await Promise.all(
    nodes.map(async (node) => {
      const socket = connect(node.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.setEncoding('utf8');
      let buffered = '';
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\r\n');
        buffered = lines.pop()!;
        // "+<time> [<db> <client address, or lua>] \"<command>\" ...": the reply to MONITOR itself is "+OK".
        for (const line of lines) {
          const match = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]*)"/.exec(line);
          if (!counting || match === null) continue;
          if (match[1] === 'lua') {
            count.scriptInternal += 1;
            continue;
          }
          count.commands += 1;
          const name = match[2]!.toLowerCase();
          count.byCommand.set(name, (count.byCommand.get(name) ?? 0) + 1);
        }
      });
      socket.on('error', () => {});
      socket.write('MONITOR\r\n');
      await new Promise<void>((resolve) => {
        const ok = (chunk: string): void => {
          if (!chunk.includes('+OK')) return;
          socket.off('data', ok);
          resolve();
        };
        socket.on('data', ok);
      });
      return socket;
    }),
  );
  counting = true;
  return async () => {
    counting = false;
    // Lines already on the wire when counting stopped are not counted: the window is what it says.
    for (const monitor of monitors) monitor.destroy();
    return count;
  };
}
