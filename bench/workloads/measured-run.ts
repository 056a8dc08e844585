import { ErrorTally, type BenchClient } from '../bench-client.js';
import type { Contender } from '../contenders.js';
import { GeneratorMonitor, type GeneratorReport } from '../generator-monitor.js';
import { MachineLoadMonitor, type MachineLoad } from '../machine-load.js';
import { ServerProcess, type StartOptions } from '../server-process.js';
import { judge, type Validity } from '../validity.js';

/** How a suite starts one try of one run. */
export type RunStart = StartOptions & { run: number; attempt: number };

/** What every workload's result starts with: which try of which run, on which server. */
export interface RunLabel {
  workload: string;
  run: number;
  /** 1 for the first try of this run; more when earlier tries were invalid. */
  attempt: number;
  server: string;
}

/** What a window measured: the server's CPU, the generator's own cost, the rest of the machine. */
export interface WindowReport {
  serverCpuMs: number;
  generator: GeneratorReport;
  machine: MachineLoad;
}

/** The tail of a result driven by a BenchClient: what its clients ran into, and whether to quote it. */
export interface ClientOutcome {
  errors: number;
  errorKinds: Record<string, number>;
  generator: GeneratorReport;
  machine: MachineLoad;
  validity: Validity;
}

/** A fresh server for one try, with the contender's client on it and the tally its errors go to. */
export interface ClientRun {
  server: ServerProcess;
  client: BenchClient;
  errors: ErrorTally;
}

export function runLabel(workload: string, contender: Contender, start: RunStart): RunLabel {
  return { workload, run: start.run, attempt: start.attempt, server: contender.spec.name };
}

/** Starts the contender's server afresh, runs `body` on it, and stops the server however `body` ends. */
export async function onFreshServer<T>(contender: Contender, start: StartOptions, body: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await ServerProcess.start(contender.spec, start);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** onFreshServer with the contender's client connected; the client is closed before the server stops. */
export function withClient<T>(contender: Contender, start: StartOptions, body: (run: ClientRun) => Promise<T>): Promise<T> {
  return onFreshServer(contender, start, async (server) => {
    const errors = new ErrorTally();
    const client = contender.client(server.url, errors);
    try {
      return await body({ server, client, errors });
    } finally {
      await client.close();
    }
  });
}

/**
 * Opens a measuring window: the server's CPU, the generator's (CPU, loop lag, requests) and
 * the rest of the machine's, over the same span, so each is judged against the others.
 */
export async function openWindow(server: ServerProcess): Promise<() => Promise<WindowReport>> {
  const generatorMonitor = new GeneratorMonitor();
  const machineLoad = await MachineLoadMonitor.start();
  const cpuBefore = await server.cpuMs();
  return async () => {
    const generator = generatorMonitor.stop();
    const serverCpuMs = (await server.cpuMs()) - cpuBefore;
    const machine = await machineLoad.stop(serverCpuMs + generator.cpuMs);
    return { serverCpuMs, generator, machine };
  };
}

export function clientOutcome(errors: ErrorTally, { generator, machine }: WindowReport): ClientOutcome {
  return { errors: errors.count, errorKinds: errors.toJSON(), generator, machine, validity: judge(generator, machine) };
}
