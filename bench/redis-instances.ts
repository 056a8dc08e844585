import { freePort } from './free-port.js';
import type { TopCommands } from './redis-report.js';
import { ServerProcess } from './server-process.js';

/** What the Redis benchmark's parts share: Phantachat instances started for it, and small arithmetic. */

const live = new Set<ServerProcess>();

/** The compiled server every Phantachat instance of this bench runs (npm run build first). */
export const PHANTACHAT_MAIN = 'dist/server/main.js';

/** One compiled Phantachat instance; `env` chooses its store (REDIS_URL '' keeps it in memory). */
export async function startInstance(env: Record<string, string>, nodeArgs = [PHANTACHAT_MAIN]): Promise<ServerProcess> {
  // Unpinned, as this bench always ran: two instances and redis-servers squeezed onto one core
  // would measure the squeeze, not the store. WEB_CONCURRENCY 1: the pid is the whole instance.
  const server = await ServerProcess.start(
    { name: 'phantachat', nodeArgs, env: { ROOM_SALT: 'bench-redis-compare', WEB_CONCURRENCY: '1', ...env } },
    { port: await freePort(), cpu: undefined },
  );
  live.add(server);
  return server;
}

export async function stopInstances(instances: ServerProcess[]): Promise<void> {
  await Promise.all(instances.map((i) => i.stop()));
  for (const i of instances) live.delete(i);
}

/** For SIGINT: a SIGINT sent to this process alone would leave the instances running. */
export function killInstancesSync(): void {
  for (const server of live) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export const sumOf = (values: number[]): number => values.reduce((a, b) => a + b, 0);

export const perUnit = (value: number, units: number): number => (units === 0 ? Number.NaN : value / units);

// Enough to see what dominates; the JSON lines are there for the rest.
const TOP_COMMANDS = 6;

/** The most frequent commands, as calls per unit (per key, or per minute when idle). */
export function top(counts: Map<string, number>, units: number): TopCommands {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_COMMANDS)
    .map(([command, n]) => ({ command, per: perUnit(n, units) }));
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
