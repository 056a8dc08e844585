import { FLOOR, OURS, PEER } from './contenders.js';
import { medianOf, ratio, type Judged } from './medians.js';
import { round } from './stats.js';
import type { SuiteResults } from './suite.js';
import type { IdlePollsResult } from './workloads/idle-polls.js';
import type { IdleRoomsResult } from './workloads/idle-rooms.js';
import type { TypingResult } from './workloads/typing.js';

const COLUMNS: Array<{ server: string; title: string }> = [
  { server: OURS, title: 'phantachat' },
  { server: PEER, title: 'socket.io (polling)' },
  { server: FLOOR, title: 'floor (node:http)' },
];

interface Metric<T> {
  name: string;
  pick: (r: T) => number;
  decimals?: number;
  /** Whether the ratio columns mean something for this metric. */
  ratios?: boolean;
}

/**
 * Markdown tables, one per workload: the project, the peer and the floor side by side,
 * each the median of its valid runs, the ratios of ours to each, and how many tries
 * each server needed. A server without a valid run shows '–' and is flagged.
 */
export function formatTables(results: SuiteResults): string {
  const out: string[] = [];
  for (const workload of unique(results.typing.map((r) => r.workload))) {
    const runs = results.typing.filter((r) => r.workload === workload);
    const f = runs[0]!;
    out.push(table(`(${workload}) ${f.rooms} rooms × 2 × ${f.keysPerSecond} keys/s for ${f.durationS} s`, runs, TYPING_METRICS));
  }
  for (const workload of unique(results.idlePolls.map((r) => r.workload))) {
    const runs = results.idlePolls.filter((r) => r.workload === workload);
    out.push(table(`(${workload}) ${runs[0]!.heldPolls.toLocaleString('en-US')} held polls, then one key into each of ${runs[0]!.wakeKeys} rooms`, runs, IDLE_POLL_METRICS));
  }
  for (const workload of unique(results.idleRooms.map((r) => r.workload))) {
    const runs = results.idleRooms.filter((r) => r.workload === workload);
    out.push(table(`(${workload}) ${runs[0]!.rooms.toLocaleString('en-US')} idle rooms (Socket.IO has no rooms without sockets)`, runs, IDLE_ROOM_METRICS));
  }
  const invalid = [...results.typing, ...results.idlePolls, ...results.idleRooms].filter((r) => !r.validity.valid);
  if (invalid.length > 0) {
    out.push(['Invalid tries, never quoted:', ...invalid.map((r) => `- (${r.workload}) run ${r.run} try ${r.attempt} ${r.server}: ${r.validity.reasons.join('; ')}`)].join('\n'));
  }
  return out.join('\n\n');
}

const TYPING_METRICS: Array<Metric<TypingResult>> = [
  { name: 'keys sent', pick: (r) => r.keysSent, decimals: 0, ratios: false },
  { name: 'delivered %', pick: (r) => r.deliveredPct, decimals: 2, ratios: false },
  { name: 'duplicates', pick: (r) => r.duplicates, decimals: 0, ratios: false },
  { name: 'latency p50 ms', pick: (r) => r.latencyMs.p50 },
  { name: 'latency p95 ms', pick: (r) => r.latencyMs.p95 },
  { name: 'latency p99 ms', pick: (r) => r.latencyMs.p99 },
  { name: 'latency max ms', pick: (r) => r.latencyMs.max },
  { name: 'HTTP requests / key', pick: (r) => r.httpRequestsPerKey, decimals: 2 },
  { name: 'server CPU ms / 1,000 keys', pick: (r) => r.serverCpuMsPer1kKeys, decimals: 0 },
  { name: 'server peak RSS MB', pick: (r) => r.serverPeakRssMb },
  { name: 'errors', pick: (r) => r.errors, decimals: 0, ratios: false },
  { name: 'generator CPU % of its core', pick: (r) => r.generator.cpuPct, decimals: 0, ratios: false },
  { name: 'generator CPU µs / request', pick: (r) => r.generator.cpuUsPerRequest, decimals: 0, ratios: false },
  { name: 'generator loop lag p99 ms', pick: (r) => r.generator.lagP99Ms, ratios: false },
  { name: "other processes' CPU % of a core", pick: (r) => r.machine.othersCpuPct, decimals: 0, ratios: false },
];

const IDLE_POLL_METRICS: Array<Metric<IdlePollsResult>> = [
  { name: 'RSS idle MB', pick: (r) => r.rssIdleMb },
  { name: 'RSS with polls held MB', pick: (r) => r.rssHeldMb },
  { name: 'RSS per held poll KB', pick: (r) => r.rssPerHeldPollKb },
  { name: 'wake delivered %', pick: (r) => r.wakeDeliveredPct, decimals: 2, ratios: false },
  { name: 'wake latency p50 ms', pick: (r) => r.wakeLatencyMs.p50 },
  { name: 'wake latency p99 ms', pick: (r) => r.wakeLatencyMs.p99 },
  { name: 'errors', pick: (r) => r.errors, decimals: 0, ratios: false },
  { name: 'generator CPU % of its core', pick: (r) => r.generator.cpuPct, decimals: 0, ratios: false },
  { name: "other processes' CPU % of a core", pick: (r) => r.machine.othersCpuPct, decimals: 0, ratios: false },
];

const IDLE_ROOM_METRICS: Array<Metric<IdleRoomsResult>> = [
  { name: 'RSS MB', pick: (r) => r.rssMb },
  { name: 'CPU % of a core', pick: (r) => r.cpuPct, decimals: 2 },
  { name: 'created in s', pick: (r) => r.createS },
  { name: 'errors', pick: (r) => r.errors, decimals: 0, ratios: false },
  { name: "other processes' CPU % of a core", pick: (r) => r.machine.othersCpuPct, decimals: 0, ratios: false },
];

function table<T extends Judged>(title: string, runs: T[], metrics: Array<Metric<T>>): string {
  const columns = COLUMNS.filter((c) => runs.some((r) => r.server === c.server));
  const header = `| metric | ${columns.map((c) => c.title).join(' | ')} | ours / peer | ours / floor |`;
  const align = `|---|${columns.map(() => '---:').join('|')}|---:|---:|`;
  const tries = `| valid runs / tries | ${columns.map((c) => validity(runs, c.server)).join(' | ')} |  |  |`;
  const rows = metrics.map((m) => {
    const values = columns.map((c) => medianOf(runs, c.server, m.pick));
    const ours = medianOf(runs, OURS, m.pick);
    const against = (server: string): string => (m.ratios === false ? '' : fmtRatio(ratio(ours, medianOf(runs, server, m.pick))));
    return `| ${m.name} | ${values.map((v) => fmt(v, m.decimals ?? 1)).join(' | ')} | ${against(PEER)} | ${against(FLOOR)} |`;
  });
  return [`**${title}**, medians of valid runs`, '', header, align, tries, ...rows].join('\n');
}

function validity<T extends Judged>(runs: T[], server: string): string {
  const all = runs.filter((r) => r.server === server);
  const valid = all.filter((r) => r.validity.valid).length;
  return `${valid} / ${all.length}${valid === 0 ? ' ⚠ no valid run' : ''}`;
}

function fmt(value: number, decimals: number): string {
  return Number.isNaN(value) ? '–' : round(value, decimals).toLocaleString('en-US', { maximumFractionDigits: decimals });
}

function fmtRatio(value: number | undefined): string {
  return value === undefined ? '–' : `${round(value, 2)}×`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
