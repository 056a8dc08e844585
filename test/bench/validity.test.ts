import { describe, expect, it } from 'vitest';
import type { Participant } from '../../bench/bench-client.js';
import { ErrorTally } from '../../bench/bench-client.js';
import type { GeneratorReport } from '../../bench/generator-monitor.js';
import { DeliveryLog, Typist } from '../../bench/typist.js';
import { untilValid } from '../../bench/until-valid.js';
import { judge, type Validity } from '../../bench/validity.js';

const calmGenerator: GeneratorReport = { cpuMs: 1000, cpuPct: 40, lagP99Ms: 10, lagMaxMs: 20, httpRequests: 100, cpuUsPerRequest: 10_000 };

describe('judge', () => {
  it('accepts a run inside every limit', () => {
    expect(judge(calmGenerator, { othersCpuPct: 15 })).toEqual({ valid: true, reasons: [] });
  });

  it('rejects a generator above 85 % of its core', () => {
    expect(judge({ ...calmGenerator, cpuPct: 86 }, { othersCpuPct: 0 }).reasons).toEqual(['generator CPU 86 % > 85 %']);
  });

  it('rejects a generator whose loop lag p99 exceeds 50 ms', () => {
    expect(judge({ ...calmGenerator, lagP99Ms: 51 }, { othersCpuPct: 0 }).reasons).toEqual(['generator lag p99 51 ms > 50 ms']);
  });

  it('rejects a run while other processes use over 15 % of a core, with or without a generator', () => {
    expect(judge(calmGenerator, { othersCpuPct: 16 }).valid).toBe(false);
    expect(judge(undefined, { othersCpuPct: 16 }).reasons).toEqual(['other processes 16 % of a core > 15 %']);
  });
});

describe('untilValid', () => {
  const outcome = (valid: boolean): { validity: Validity } => ({ validity: { valid, reasons: valid ? [] : ['busy'] } });

  it('stops at the first valid try', async () => {
    const seen: number[] = [];
    const tries = await untilValid(2, async (attempt) => (seen.push(attempt), outcome(attempt === 2)));
    expect(seen).toEqual([1, 2]);
    expect(tries.map((t) => t.validity.valid)).toEqual([false, true]);
  });

  it('gives up after 1 + retries invalid tries and returns them all', async () => {
    const tries = await untilValid(2, async () => outcome(false));
    expect(tries).toHaveLength(3);
  });

  it('refuses a negative number of retries', async () => {
    await expect(untilValid(-1, async () => outcome(true))).rejects.toThrow(RangeError);
  });
});

describe('Typist#received', () => {
  const typist = (): { typist: Typist; log: DeliveryLog; typed: string[] } => {
    const typed: string[] = [];
    const participant: Participant = { id: 'p', listen: async () => {}, type: (key) => void typed.push(key) };
    const log = new DeliveryLog(new ErrorTally());
    return { typist: new Typist(participant, log), log, typed };
  };

  it('types one distinct character per key and credits each key once, whatever the batches', () => {
    const { typist: t, log, typed } = typist();
    for (let i = 0; i < 3; i += 1) t.press();
    expect(typed).toEqual(['0', '1', '2']);
    t.received('01');
    t.received('2');
    expect(log.keysDelivered).toBe(3);
    expect(log.latenciesMs).toHaveLength(3);
    expect(log.duplicates).toBe(0);
  });

  it('counts a batch that comes again as duplicates', () => {
    const { typist: t, log } = typist();
    for (let i = 0; i < 3; i += 1) t.press();
    t.received('012');
    t.received('12');
    expect(log.keysDelivered).toBe(3);
    expect(log.duplicates).toBe(2);
  });

  it('reports a key that was never typed, or skips ahead, as an error', () => {
    const { typist: t, log } = typist();
    t.press();
    t.press();
    t.received('1');
    expect(log.keysDelivered).toBe(0);
    expect(log.errors.toJSON()).toEqual({ 'key out of order': 1 });
  });
});
