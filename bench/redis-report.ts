import type { GeneratorReport } from './generator-monitor.js';
import type { MachineLoad } from './machine-load.js';
import { median, round, type Summary } from './stats.js';
import type { Validity } from './validity.js';

/** Commands by name, as calls per key (typing) or per minute (idle). */
export type TopCommands = Array<{ command: string; per: number }>;

export interface TypingResult {
  setup: string;
  run: number;
  attempt: number;
  /** Keys pressed in the measured window (the counting window before it is not included). */
  keys: number;
  /** Of every key pressed in the try, counting window included. */
  deliveredPct: number;
  duplicates: number;
  latencyMs: Summary;
  /** All instances together. */
  nodeCpuMsPerKey: number;
  /** All redis-servers together (INFO cpu). */
  redisCpuMsPerKey: number;
  /** Of which running scripts (commandstats usec of EVALSHA/EVAL/FCALL); the rest is I/O and pub/sub. */
  redisScriptMsPerKey: number;
  /** What instances sent, a script call as one (MONITOR, counting window). */
  commandsPerKey: number;
  /** redis.call()s made inside those scripts (MONITOR's lua lines, counting window). */
  scriptCallsPerKey: number;
  /**
   * MONITOR's lines (both kinds) as a share of total_commands_processed over the counting
   * window: about 100 when MONITOR saw every call, so commandsPerKey misses nothing.
   */
  monitorCoveragePct: number;
  /** total_commands_processed per key, script-internal calls included (measured window). */
  callsPerKeyWithScripts: number;
  /** INFO commandstats, script-internal calls included (measured window). */
  topCalls: TopCommands;
  /** From MONITOR, script-internal calls excluded (counting window). */
  topCommands: TopCommands;
  /** Cluster only: each shard's share of the Redis CPU, in node order. */
  shardCpuPct: number[];
  errors: number;
  errorKinds: Record<string, number>;
  generator?: GeneratorReport;
  machine?: MachineLoad;
  validity: Validity;
  /** Set when the setup failed outright (a server that would not start, a join refused). */
  error?: string;
}

export interface IdleResult {
  setup: string;
  run: number;
  attempt: number;
  seconds: number;
  commandsPerMin: number;
  scriptCallsPerMin: number;
  topCommands: TopCommands;
  /** Connections the instance holds to Redis, all nodes together (connected_clients deltas). */
  connections: number;
  connectionsByNode: number[];
  generator?: GeneratorReport;
  machine?: MachineLoad;
  validity: Validity;
  error?: string;
}

type Judged = { setup: string; run: number; attempt: number; validity: Validity; error?: string; errors?: number; errorKinds?: Record<string, number> };

/**
 * The tries a setup's medians come from: its valid ones; when it has none, its flagged
 * ones, so a busy machine still shows figures, marked in the flag column as not to be quoted.
 */
function quoted<T extends Judged>(results: T[], setup: string): { runs: T[]; flagged: boolean } {
  const mine = results.filter((r) => r.setup === setup && r.error === undefined);
  const valid = mine.filter((r) => r.validity.valid);
  return valid.length > 0 ? { runs: valid, flagged: false } : { runs: mine, flagged: mine.length > 0 };
}

function flag<T extends Judged>(results: T[], setup: string): string {
  const mine = results.filter((r) => r.setup === setup);
  const failed = mine.filter((r) => r.error !== undefined);
  const invalid = mine.filter((r) => r.error === undefined && !r.validity.valid);
  const notes: string[] = [];
  if (failed.length > 0) notes.push(`✖ failed: ${failed[0]!.error!.slice(0, 120)}`);
  if (mine.length > failed.length && !mine.some((r) => r.validity.valid)) notes.push('⚠ no valid run: figures from flagged runs, not to be quoted');
  for (const r of invalid) notes.push(`⚠ run ${r.run}.${r.attempt} flagged: ${r.validity.reasons.join('; ')}`);
  for (const r of mine.filter((r) => (r.errors ?? 0) > 0)) notes.push(`✖ run ${r.run}.${r.attempt} client errors ${JSON.stringify(r.errorKinds)}`);
  return notes.join('<br>');
}

function validCount<T extends Judged>(results: T[], setup: string): string {
  const mine = results.filter((r) => r.setup === setup);
  return `${mine.filter((r) => r.validity.valid).length} / ${mine.length}`;
}

function fmt(value: number, decimals: number): string {
  return Number.isFinite(value) ? round(value, decimals).toLocaleString('en-US', { maximumFractionDigits: decimals }) : '–';
}

function medianBy<T>(runs: T[], pick: (r: T) => number): number {
  return median(runs.map(pick));
}

/** Per command, the median over runs of its rate (0 in a run where it is missing), most frequent first. */
function medianTop(lists: TopCommands[]): TopCommands {
  const names = new Set(lists.flatMap((list) => list.map((c) => c.command)));
  return [...names]
    .map((command) => ({ command, per: median(lists.map((list) => list.find((c) => c.command === command)?.per ?? 0)) }))
    .sort((a, b) => b.per - a.per)
    .slice(0, 6);
}

/** Shares sorted largest first in each run, then the median per rank: shards have new ports every run. */
function medianShares(runs: TypingResult[]): number[] {
  const sorted = runs.map((r) => [...r.shardCpuPct].sort((a, b) => b - a)).filter((s) => s.length > 0);
  if (sorted.length === 0) return [];
  return sorted[0]!.map((_, rank) => median(sorted.map((s) => s[rank] ?? Number.NaN)));
}

function formatTop(list: TopCommands, decimals: number): string {
  // A rare command (a NOSCRIPT's EVAL) would round to 0 at the usual decimals.
  return list.length === 0 ? '–' : list.map((c) => `${c.command} ${fmt(c.per, c.per < 0.1 ? 3 : decimals)}`).join(', ');
}

function setupsOf(results: Judged[]): string[] {
  return [...new Set(results.map((r) => r.setup))];
}

export function formatTyping(results: TypingResult[]): string {
  const header =
    '| setup | valid / tries | keys | delivered % | p50 ms | p99 ms | Node CPU ms/key | Redis CPU ms/key | of which scripts | commands/key | script calls/key | calls/key incl. scripts | MONITOR saw % | shard CPU % | flag |';
  const rows = setupsOf(results).map((setup) => {
    const { runs } = quoted(results, setup);
    const m = (pick: (r: TypingResult) => number, decimals: number): string => fmt(medianBy(runs, pick), decimals);
    const shares = medianShares(runs);
    return `| ${setup} | ${validCount(results, setup)} | ${m((r) => r.keys, 0)} | ${m((r) => r.deliveredPct, 2)} | ${m((r) => r.latencyMs.p50, 1)} | ${m((r) => r.latencyMs.p99, 1)} | ${m((r) => r.nodeCpuMsPerKey, 3)} | ${m((r) => r.redisCpuMsPerKey, 3)} | ${m((r) => r.redisScriptMsPerKey, 3)} | ${m((r) => r.commandsPerKey, 2)} | ${m((r) => r.scriptCallsPerKey, 2)} | ${m((r) => r.callsPerKeyWithScripts, 2)} | ${m((r) => r.monitorCoveragePct, 1)} | ${shares.length === 0 ? '–' : shares.map((s) => fmt(s, 0)).join(' / ')} | ${flag(results, setup)} |`;
  });
  const tops = setupsOf(results).flatMap((setup) => {
    const { runs } = quoted(results, setup);
    if (!runs.some((r) => r.topCalls.length > 0)) return [];
    return [
      `- ${setup}, sent per key (MONITOR, a script call is one): ${formatTop(medianTop(runs.map((r) => r.topCommands)), 2)}`,
      `- ${setup}, calls per key (commandstats, script-internal included): ${formatTop(medianTop(runs.map((r) => r.topCalls)), 2)}`,
    ];
  });
  return ['**Typing**, medians of valid tries', '', header, `|---|---:|${'---:|'.repeat(12)}---|`, ...rows, '', 'Top commands:', ...tops].join('\n');
}

export function formatIdle(results: IdleResult[]): string {
  const header = '| setup | valid / tries | commands/min | script calls/min | connections | per node | commands/min by name | flag |';
  const rows = setupsOf(results).map((setup) => {
    const { runs } = quoted(results, setup);
    const m = (pick: (r: IdleResult) => number, decimals: number): string => fmt(medianBy(runs, pick), decimals);
    const last = runs.at(-1);
    return `| ${setup} | ${validCount(results, setup)} | ${m((r) => r.commandsPerMin, 1)} | ${m((r) => r.scriptCallsPerMin, 1)} | ${m((r) => r.connections, 0)} | ${last ? last.connectionsByNode.join(' / ') : '–'} | ${formatTop(medianTop(runs.map((r) => r.topCommands)), 1)} | ${flag(results, setup)} |`;
  });
  return [`**Idle**: one instance, no users, ${results[0]?.seconds ?? '?'} s under MONITOR`, '', header, '|---|---:|---:|---:|---:|---:|---|---|', ...rows].join('\n');
}

interface Check {
  target: string;
  value: string;
  met: boolean | undefined;
  flagged: boolean;
}

/** The targets of the cheap-per-keystroke rewrite, from the medians above; unmeasured is not met. */
export function formatTargets(typing: TypingResult[], idle: IdleResult[]): string {
  const checks: Check[] = [];
  const typed = (setup: string, pick: (r: TypingResult) => number): { value: number; flagged: boolean } => {
    const { runs, flagged } = quoted(typing, setup);
    return { value: medianBy(runs, pick), flagged };
  };
  const add = (target: string, value: number, flagged: boolean, met: (v: number) => boolean, shown = fmt(value, 3)): void => {
    checks.push({ target, value: Number.isFinite(value) ? shown : 'not measured', met: Number.isFinite(value) ? met(value) : false, flagged });
  };
  const memory = typing.find((r) => r.setup.startsWith('memory'))?.setup;
  // The targets are about the Redis setups; memory is their baseline, the floor only shown beside.
  for (const setup of setupsOf(typing).filter((s) => s !== memory && !s.startsWith('floor'))) {
    const cpu = typed(setup, (r) => r.redisCpuMsPerKey);
    add(`${setup}: Redis CPU/key ≤ 0.06 ms`, cpu.value, cpu.flagged, (v) => v <= 0.06, `${fmt(cpu.value, 3)} ms`);
    const commands = typed(setup, (r) => r.commandsPerKey);
    add(`${setup}: commands/key ≤ 4`, commands.value, commands.flagged, (v) => v <= 4, fmt(commands.value, 2));
    if (memory !== undefined) {
      const node = typed(setup, (r) => r.nodeCpuMsPerKey);
      const base = typed(memory, (r) => r.nodeCpuMsPerKey);
      add(`${setup}: Node CPU/key ≤ 1.3× memory's`, node.value / base.value, node.flagged || base.flagged, (v) => v <= 1.3, `${fmt(node.value / base.value, 2)}×`);
      const p99 = typed(setup, (r) => r.latencyMs.p99);
      const baseP99 = typed(memory, (r) => r.latencyMs.p99);
      add(`${setup}: p99 ≤ 2× memory's`, p99.value / baseP99.value, p99.flagged || baseP99.flagged, (v) => v <= 2, `${fmt(p99.value / baseP99.value, 2)}×`);
    }
    const { runs, flagged } = quoted(typing, setup);
    const shares = medianShares(runs);
    if (setup.startsWith('Cluster')) {
      const ok = shares.length > 0 && shares.every((s) => s >= 25 && s <= 42);
      checks.push({ target: `${setup}: each shard 25–42 % of Redis CPU`, value: shares.length === 0 ? 'not measured' : shares.map((s) => `${fmt(s, 0)} %`).join(' / '), met: ok, flagged });
    }
  }
  for (const setup of setupsOf(idle)) {
    const { runs, flagged } = quoted(idle, setup);
    const value = medianBy(runs, (r) => r.commandsPerMin);
    add(`${setup}: ≤ 6 commands/min`, value, flagged, (v) => v <= 6, fmt(value, 1));
  }
  return ['| target | measured | met |', '|---|---:|:---:|', ...checks.map((c) => `| ${c.target} | ${c.value} | ${c.met ? 'yes' : 'NO'}${c.flagged ? ' ⚠ flagged runs' : ''} |`)].join('\n');
}
