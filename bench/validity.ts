import type { GeneratorReport } from './generator-monitor.js';
import type { MachineLoad } from './machine-load.js';

// Above this share of its core the generator, not the server, sets the pace: its
// queueing shows up as the server's latency (socket.io-client's XHR transport sat at
// 95-98 % in every run of the old bench, issue 8).
export const GENERATOR_MAX_CPU_PCT = 85;
// Loop lag this long is itself a visible share of a p99 of a few tens of milliseconds.
export const GENERATOR_MAX_LAG_P99_MS = 50;
// Another process using a sixth of a core on a 2-CPU machine steals time from one side.
export const OTHERS_MAX_CPU_PCT = 15;

/** Whether a run's figures may be quoted, and if not, why not. */
export interface Validity {
  valid: boolean;
  reasons: string[];
}

/** Judges one run by the rules of issue 8; an invalid run is retried and never quoted. */
export function judge(generator: GeneratorReport | undefined, machine: MachineLoad): Validity {
  const reasons: string[] = [];
  if (generator !== undefined && generator.cpuPct > GENERATOR_MAX_CPU_PCT) reasons.push(`generator CPU ${Math.round(generator.cpuPct)} % > ${GENERATOR_MAX_CPU_PCT} %`);
  if (generator !== undefined && generator.lagP99Ms > GENERATOR_MAX_LAG_P99_MS) reasons.push(`generator lag p99 ${Math.round(generator.lagP99Ms)} ms > ${GENERATOR_MAX_LAG_P99_MS} ms`);
  if (machine.othersCpuPct > OTHERS_MAX_CPU_PCT) reasons.push(`other processes ${Math.round(machine.othersCpuPct)} % of a core > ${OTHERS_MAX_CPU_PCT} %`);
  return { valid: reasons.length === 0, reasons };
}
