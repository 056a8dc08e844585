import { machineBusyMs } from './proc-stats.js';

export interface MachineLoad {
  /** CPU used by processes other than the server and this generator, in % of one core. */
  othersCpuPct: number;
}

/**
 * What the rest of the machine did during a window: a benchmark on a shared machine is
 * only as good as the quiet around it, so a busy neighbour is reported, not hidden.
 */
export class MachineLoadMonitor {
  private constructor(
    private readonly busyAtStart: number,
    private readonly startedAt: number,
  ) {}

  static async start(): Promise<MachineLoadMonitor> {
    return new MachineLoadMonitor(await machineBusyMs(), performance.now());
  }

  /** `ownCpuMs`: what the server and the generator used in the window (theirs is not others' load). */
  async stop(ownCpuMs: number): Promise<MachineLoad> {
    const others = (await machineBusyMs()) - this.busyAtStart - ownCpuMs;
    const othersCpuPct = Math.max(0, (others / (performance.now() - this.startedAt)) * 100);
    return { othersCpuPct };
  }
}
