import { setTimeout as sleep } from 'node:timers/promises';
import { GeneratorMonitor } from './generator-monitor.js';
import { MachineLoadMonitor } from './machine-load.js';
import { message, startInstance, stopInstances, sumOf, top } from './redis-instances.js';
import type { IdleResult } from './redis-report.js';
import { countCommands, startCluster, startSingle, type RedisDeployment } from './redis-servers.js';
import type { ServerProcess } from './server-process.js';
import { judge } from './validity.js';

// An idle instance's start (script loads, subscriptions, the first CLUSTER SLOTS) is not its idle rate.
const IDLE_SETTLE_MS = 3_000;

const KINDS: Array<{ name: string; start: () => Promise<RedisDeployment> }> = [
  { name: 'Redis, idle instance', start: startSingle },
  { name: 'Cluster ×3, idle instance', start: startCluster },
];

/**
 * One instance on each Redis with no users: the commands it sends over `idleMs` (MONITOR on
 * every node, script-internal lines apart) and the connections it holds (connected_clients
 * before and after it started). Both side by side, so one window covers both; neither's
 * redis-servers see the other's instance.
 */
export async function idleTry(run: number, attempt: number, idleMs: number): Promise<IdleResult[]> {
  const generatorMonitor = new GeneratorMonitor();
  const machineLoad = await MachineLoadMonitor.start();
  const measured = await Promise.all(KINDS.map((kind) => idleOne(kind.name, kind.start, run, attempt, idleMs)));
  const generator = generatorMonitor.stop();
  const machine = await machineLoad.stop(generator.cpuMs + sumOf(measured.map((m) => m.ownCpuMs)));
  const validity = judge(generator, machine);
  return measured.map(({ result }) => (result.error !== undefined ? result : { ...result, generator, machine, validity }));
}

async function idleOne(name: string, start: () => Promise<RedisDeployment>, run: number, attempt: number, idleMs: number): Promise<{ result: IdleResult; ownCpuMs: number }> {
  let redis: RedisDeployment | undefined;
  let instance: ServerProcess | undefined;
  const label = { setup: name, run, attempt, seconds: idleMs / 1000 };
  try {
    redis = await start();
    const before = await redis.sample();
    instance = await startInstance(redis.env);
    await sleep(IDLE_SETTLE_MS);
    // INFO opens no connection, so the two samples differ by the instance's connections alone.
    const after = await redis.sample();
    const cpuBefore = (await instance.cpuMs()) + sumOf(after.map((s) => s.cpuMs));
    const stop = await countCommands(redis.nodes);
    await sleep(idleMs);
    const counted = await stop();
    const ownCpuMs = (await instance.cpuMs()) + sumOf((await redis.sample()).map((s) => s.cpuMs)) - cpuBefore;
    const connectionsByNode = after.map((a, i) => a.connectedClients - before[i]!.connectedClients);
    const perMinute = (n: number): number => (n / idleMs) * 60_000;
    return {
      ownCpuMs,
      result: {
        ...label,
        commandsPerMin: perMinute(counted.commands),
        scriptCallsPerMin: perMinute(counted.scriptInternal),
        topCommands: top(counted.byCommand, idleMs / 60_000),
        connections: sumOf(connectionsByNode),
        connectionsByNode,
        validity: { valid: true, reasons: [] },
      },
    };
  } catch (error) {
    const nan = Number.NaN;
    const failed = { commandsPerMin: nan, scriptCallsPerMin: nan, topCommands: [], connections: nan, connectionsByNode: [] };
    return { ownCpuMs: 0, result: { ...label, ...failed, error: message(error), validity: { valid: false, reasons: [`failed: ${message(error)}`] } } };
  } finally {
    await stopInstances(instance ? [instance] : []).catch(() => {});
    await redis?.stop().catch(() => {});
  }
}
