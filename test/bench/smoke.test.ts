import { describe, expect, it } from 'vitest';
import { FLOOR, OURS, PEER } from '../../bench/contenders.js';
import { SMOKE_PLAN } from '../../bench/plan.js';
import { correctnessFailures, runSuite } from '../../bench/suite.js';

// Eight short server processes (ours through tsx), a few seconds of traffic in all.
const SMOKE_TIMEOUT_MS = 60_000;

describe('npm run bench -- --smoke', () => {
  it('delivers every key exactly once through all three servers, without an error', async () => {
    const results = await runSuite({ plan: SMOKE_PLAN, fromSource: true, serverCpu: undefined });

    expect(correctnessFailures(results)).toEqual([]);
    expect(results.typing.map((r) => r.server)).toEqual([OURS, PEER, FLOOR]);
    // The same seeds: every server saw the very same key presses, and every one arrived.
    const keys = results.typing.map((r) => r.keysSent);
    expect(keys[0]).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(1);
    expect(results.typing.map((r) => r.deliveredPct)).toEqual([100, 100, 100]);
    expect(results.idlePolls.map((r) => [r.server, r.wakeDeliveredPct])).toEqual([
      [OURS, 100],
      [PEER, 100],
      [FLOOR, 100],
    ]);
    expect(results.idleRooms.map((r) => [r.server, r.rooms])).toEqual([
      [OURS, SMOKE_PLAN.idleRooms[0]!.rooms],
      [FLOOR, SMOKE_PLAN.idleRooms[0]!.rooms],
    ]);
  }, SMOKE_TIMEOUT_MS);
});
