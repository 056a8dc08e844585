import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMs, memory, type MemoryStats } from './proc-stats.js';

export interface ServerSpec {
  /** Name in reports: 'phantachat' or 'socket.io'. */
  name: string;
  /** Arguments after `node`: flags and the script. */
  nodeArgs: string[];
  env?: Record<string, string>;
}

export interface StartOptions {
  port: number;
  /** CPU to pin the server to with taskset; undefined runs it unpinned. */
  cpu: number | undefined;
  /** Extra node flags, e.g. --cpu-prof. */
  extraNodeArgs?: string[];
}

/** Issue 9's hostile-client limits, lifted: the benchmark is one address acting for thousands. */
export const UNLIMITED_CLIENT_ENV = {
  MAX_CONNECTIONS: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  SENDS_PER_SECOND: '1000000',
  SENDS_BURST: '1000000',
  SEND_CHARS_PER_SECOND: '1000000000',
  SEND_CHARS_BURST: '1000000000',
};

// A server that has not opened its port within 10 s is broken, not slow.
const READY_TIMEOUT_MS = 10_000;
// SIGTERM should end both servers in well under a second; past 10 s (our own shutdown deadline) kill it.
const STOP_TIMEOUT_MS = 10_000;

/** One fresh server process, started for one run and stopped after it. */
export class ServerProcess {
  private exited: Promise<number | null>;

  private constructor(
    readonly spec: ServerSpec,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(spec: ServerSpec, { port, cpu, extraNodeArgs = [] }: StartOptions): Promise<ServerProcess> {
    const nodeArgs = [...extraNodeArgs, ...spec.nodeArgs];
    // taskset execs node in place, so the child's pid is the server's pid.
    const [command, args] = cpu === undefined ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]];
    const child = spawn(command, args, {
      // One generator address creates every room and opens every connection of a workload, and
      // typists send flat out: lift the per-address and per-participant limits.
      env: { ...process.env, ROOMS_PER_MINUTE: '10000000', ...UNLIMITED_CLIENT_ENV, ...spec.env, PORT: String(port), NODE_ENV: 'production' },
      // Our server logs a line per request; reading it here would bill the generator for it.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const server = new ServerProcess(spec, port, child);
    await server.waitUntilListening();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.spec.name} has no pid`);
    return this.child.pid;
  }

  cpuMs(): Promise<number> {
    return cpuMs(this.pid);
  }

  memory(): Promise<MemoryStats> {
    return memory(this.pid);
  }

  /** SIGTERM, then SIGKILL if it is still running after STOP_TIMEOUT_MS. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private async waitUntilListening(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${this.spec.name} exited with ${exitCode} before listening`);
      if (await accepts(this.port)) return;
      await sleep(50);
    }
    await this.stop();
    throw new Error(`${this.spec.name} did not listen on ${this.port} within ${READY_TIMEOUT_MS} ms`);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
