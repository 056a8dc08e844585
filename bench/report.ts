import { median, round } from './stats.js';
import type { SuiteResults } from './suite.js';
import type { IdlePollsResult } from './workloads/idle-polls.js';
import type { TypingResult } from './workloads/typing.js';

const OURS = 'phantachat';
const PEER = 'socket.io';

export interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
}

type Row = [metric: string, ours: string, peer: string, ratio: string];

/** Markdown tables, one per workload, Phantachat beside the Socket.IO peer (medians where a workload ran more than once). */
export function formatTables(results: SuiteResults): string {
  const out: string[] = [];
  for (const workload of unique(results.typing.map((r) => r.workload))) {
    const runs = results.typing.filter((r) => r.workload === workload);
    const first = runs[0]!;
    const count = runs.filter((r) => r.server === first.server).length;
    const title = `(${workload}) ${first.rooms} rooms × 2 × ${first.keysPerSecond} keys/s for ${first.durationS} s${count > 1 ? `, median of ${count} runs` : ''}`;
    out.push(table(title, typingRows(runs)));
  }
  for (const r of unique(results.idlePolls.map((r) => r.workload))) {
    const runs = results.idlePolls.filter((x) => x.workload === r);
    out.push(table(`(${r}) ${runs[0]!.heldPolls} held polls, then one key into each of ${runs[0]!.wakeKeys} rooms`, idleRows(runs)));
  }
  for (const r of results.idleRooms) {
    out.push(
      [
        `(${r.workload}) ${r.rooms.toLocaleString('en-US')} idle rooms (Phantachat only)`,
        '',
        '| metric | phantachat |',
        '|---|---:|',
        `| RSS | ${round(r.rssMb, 1)} MB |`,
        `| CPU | ${round(r.cpuPct, 2)} % of a core |`,
        `| created in | ${round(r.createS, 1)} s |`,
        `| errors | ${r.errors} |`,
      ].join('\n'),
    );
  }
  return out.join('\n\n');
}

function typingRows(runs: TypingResult[]): Row[] {
  const m = (server: string, pick: (r: TypingResult) => number): number => median(runs.filter((r) => r.server === server).map(pick));
  const row = (metric: string, pick: (r: TypingResult) => number, decimals = 1, ratio = true): Row => {
    const ours = m(OURS, pick);
    const peer = m(PEER, pick);
    return [metric, fmt(ours, decimals), fmt(peer, decimals), ratio ? ratioOf(ours, peer) : ''];
  };
  const flagged = (server: string): string => (runs.some((r) => r.server === server && r.generator.bound) ? ' ⚠' : '');
  return [
    row('keys sent', (r) => r.keysSent, 0, false),
    row('delivered %', (r) => r.deliveredPct, 2, false),
    row('duplicates', (r) => r.duplicates, 0, false),
    row('latency p50 ms', (r) => r.latencyMs.p50),
    row('latency p95 ms', (r) => r.latencyMs.p95),
    row('latency p99 ms', (r) => r.latencyMs.p99),
    row('latency max ms', (r) => r.latencyMs.max),
    row('HTTP requests / key', (r) => r.httpRequestsPerKey, 2),
    row('server CPU ms / 1,000 keys', (r) => r.serverCpuMsPer1kKeys, 0),
    row('server peak RSS MB', (r) => r.serverPeakRssMb),
    row('errors', (r) => r.errors, 0, false),
    [`generator CPU %`, fmt(m(OURS, (r) => r.generator.cpuPct), 0) + flagged(OURS), fmt(m(PEER, (r) => r.generator.cpuPct), 0) + flagged(PEER), ''],
    row('generator loop lag p99 ms', (r) => r.generator.lagP99Ms, 1, false),
    row("other processes' CPU % of a core", (r) => r.machine.othersCpuPct, 0, false),
  ];
}

function idleRows(runs: IdlePollsResult[]): Row[] {
  const get = (server: string): IdlePollsResult | undefined => runs.find((r) => r.server === server);
  const row = (metric: string, pick: (r: IdlePollsResult) => number, decimals = 1, ratio = true): Row => {
    const ours = get(OURS);
    const peer = get(PEER);
    const a = ours ? pick(ours) : Number.NaN;
    const b = peer ? pick(peer) : Number.NaN;
    return [metric, fmt(a, decimals), fmt(b, decimals), ratio ? ratioOf(a, b) : ''];
  };
  return [
    row('RSS idle MB', (r) => r.rssIdleMb),
    row('RSS with polls held MB', (r) => r.rssHeldMb),
    row('RSS per held poll KB', (r) => r.rssPerHeldPollKb),
    row('wake delivered %', (r) => r.wakeDeliveredPct, 2, false),
    row('wake latency p50 ms', (r) => r.wakeLatencyMs.p50),
    row('wake latency p99 ms', (r) => r.wakeLatencyMs.p99),
    row('wake latency max ms', (r) => r.wakeLatencyMs.max),
    row('errors', (r) => r.errors, 0, false),
  ];
}

/** The targets of issue 5, each with the measured value. */
export function checkTargets(results: SuiteResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratio = (workload: string, pick: (r: TypingResult) => number): number | undefined => {
    const runs = results.typing.filter((r) => r.workload === workload);
    const ours = median(runs.filter((r) => r.server === OURS).map(pick));
    const peer = median(runs.filter((r) => r.server === PEER).map(pick));
    return Number.isFinite(ours / peer) ? ours / peer : undefined;
  };
  const add = (target: string, value: number | undefined, limit: number, unit = '×'): void => {
    if (value === undefined || Number.isNaN(value)) return;
    checks.push({ target, value: `${round(value, unit === '×' ? 2 : 1)}${unit === '×' ? '×' : ` ${unit}`}`, met: value <= limit });
  };
  add('(a) server CPU / 1,000 keys ≤ 0.9× peer', ratio('a', (r) => r.serverCpuMsPer1kKeys), 0.9);
  add('(b) server CPU / 1,000 keys ≤ 0.9× peer', ratio('b', (r) => r.serverCpuMsPer1kKeys), 0.9);
  add('(a) latency p99 ≤ 0.5× peer', ratio('a', (r) => r.latencyMs.p99), 0.5);
  add('(b) latency p95 ≤ 0.5× peer', ratio('b', (r) => r.latencyMs.p95), 0.5);
  const ours = results.idlePolls.find((r) => r.server === OURS);
  const peer = results.idlePolls.find((r) => r.server === PEER);
  if (ours && peer) add('(c) RSS per held poll ≤ 0.65× peer', ours.rssPerHeldPollKb / peer.rssPerHeldPollKb, 0.65);
  if (ours) add('(c) RSS per held poll ≤ 16 KB', ours.rssPerHeldPollKb, 16, 'KB');
  for (const r of results.idleRooms) {
    add(`(d) ${r.rooms.toLocaleString('en-US')} idle rooms: RSS < 300 MB`, r.rssMb, 300, 'MB');
    add(`(d) ${r.rooms.toLocaleString('en-US')} idle rooms: CPU < 1 % of a core`, r.cpuPct, 1, '%');
  }
  return checks;
}

export function formatTargets(checks: TargetCheck[]): string {
  return ['| target | measured | met |', '|---|---:|:---:|', ...checks.map((c) => `| ${c.target} | ${c.value} | ${c.met ? 'yes' : 'NO'} |`)].join('\n');
}

function table(title: string, rows: Row[]): string {
  return [title, '', `| metric | ${OURS} | ${PEER} (polling) | ratio |`, '|---|---:|---:|---:|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function fmt(value: number, decimals: number): string {
  return Number.isNaN(value) ? '–' : round(value, decimals).toLocaleString('en-US', { maximumFractionDigits: decimals });
}

function ratioOf(ours: number, peer: number): string {
  return Number.isFinite(ours / peer) && peer !== 0 ? `${round(ours / peer, 2)}×` : '–';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
