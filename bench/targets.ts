import { OURS, PEER } from './contenders.js';
import { medianOf, ratio, type Judged } from './medians.js';
import { round } from './stats.js';
import { correctnessFailures, type SuiteResults } from './suite.js';

export interface TargetCheck {
  target: string;
  /** The measured value, or why there is none. */
  value: string;
  met: boolean;
}

/** The targets of issue 8, each from the medians of valid runs; unmeasured counts as not met. */
export function checkTargets(results: SuiteResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const against = <T extends Judged>(target: string, runs: T[], pick: (r: T) => number, limit: number): void => {
    if (runs.length === 0) return;
    const value = ratio(medianOf(runs, OURS, pick), medianOf(runs, PEER, pick));
    checks.push(value === undefined ? unmeasured(target) : { target, value: `${round(value, 2)}×`, met: value <= limit });
  };
  const absolute = <T extends Judged>(target: string, runs: T[], pick: (r: T) => number, limit: number, unit: string): void => {
    if (runs.length === 0) return;
    const value = medianOf(runs, OURS, pick);
    checks.push(Number.isNaN(value) ? unmeasured(target) : { target, value: `${round(value, 2)} ${unit}`, met: value <= limit });
  };
  const workload = <T extends { workload: string }>(list: T[], name: string): T[] => list.filter((r) => r.workload === name);

  against('(a) server CPU / 1,000 keys ≤ 0.75× peer', workload(results.typing, 'a'), (r) => r.serverCpuMsPer1kKeys, 0.75);
  against('(b) server CPU / 1,000 keys ≤ 0.75× peer', workload(results.typing, 'b'), (r) => r.serverCpuMsPer1kKeys, 0.75);
  against('(a) latency p99 ≤ 0.7× peer', workload(results.typing, 'a'), (r) => r.latencyMs.p99, 0.7);
  against('(b) latency p95 ≤ 0.5× peer', workload(results.typing, 'b'), (r) => r.latencyMs.p95, 0.5);
  absolute('(c) RSS per held poll ≤ 16 KB', workload(results.idlePolls, 'c'), (r) => r.rssPerHeldPollKb, 16, 'KB');
  against('(c) RSS per held poll ≤ 0.6× peer', workload(results.idlePolls, 'c'), (r) => r.rssPerHeldPollKb, 0.6);
  absolute('(d) idle rooms: RSS < 300 MB', workload(results.idleRooms, 'd'), (r) => r.rssMb, 300, 'MB');
  absolute('(d) idle rooms: CPU < 1 % of a core', workload(results.idleRooms, 'd'), (r) => r.cpuPct, 1, '%');
  const failures = correctnessFailures(results).length;
  checks.push({ target: 'every run: 100 % delivered, no duplicate, no error', value: failures === 0 ? 'all runs' : `${failures} failures`, met: failures === 0 });
  return checks;
}

export function formatTargets(checks: TargetCheck[]): string {
  return ['| target (issue 8) | measured | met |', '|---|---:|:---:|', ...checks.map((c) => `| ${c.target} | ${c.value} | ${c.met ? 'yes' : 'NO'} |`)].join('\n');
}

function unmeasured(target: string): TargetCheck {
  return { target, value: 'no valid run', met: false };
}
