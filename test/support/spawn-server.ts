import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';

/** A port that was free a moment ago (for servers that cannot listen on port 0 and say where). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout, line by line. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** The command line; by default the TypeScript entry point through tsx. */
  command?: string[];
  cwd?: string;
  /** In a process group of its own, so a test can signal the group (as Heroku signals every process of a dyno). */
  detached?: boolean;
}

const START_TIMEOUT_MS = 30_000;
const SOURCE_ENTRY = [process.execPath, '--import', 'tsx', 'server/main.ts'];

/**
 * Runs the server in its own process, as `npm start` would, and waits until it listens.
 * It listens on port 0 and the port is read from its "listening" line: the kernel hands
 * each process its own port, so parallel test files can never collide on one.
 */
export async function spawnServer(env: Record<string, string>, { command = SOURCE_ENTRY, cwd, detached = false }: SpawnOptions = {}): Promise<SpawnedServer> {
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    detached,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  // tsx compiles the server at start: seconds on a loaded two-core machine running the suite.
  const deadline = Date.now() + START_TIMEOUT_MS;
  let port: number | undefined;
  while (port === undefined) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${lines.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    port = listeningPort(lines);
  }
  return { child, url: `http://127.0.0.1:${port}`, lines, exited };
}

function listeningPort(lines: string[]): number | undefined {
  for (const line of lines) {
    if (!line.includes('"listening"')) continue;
    const port = (JSON.parse(line) as { port?: unknown }).port;
    if (typeof port === 'number' && port > 0) return port;
  }
  return undefined;
}
