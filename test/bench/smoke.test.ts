import { describe, expect, it } from 'vitest';
import { SMOKE_PLAN } from '../../bench/plan.js';
import { correctnessFailures, runSuite } from '../../bench/suite.js';

// Starts five servers (ours through tsx) and drives them for a few seconds in all.
const SMOKE_TIMEOUT_MS = 60_000;

describe('npm run bench -- --smoke', () => {
  it('delivers every key exactly once through both servers, without an error', async () => {
    const results = await runSuite({ plan: SMOKE_PLAN, fromSource: true, serverCpu: undefined });

    expect(correctnessFailures(results)).toEqual([]);
    expect(results.typing.map((r) => r.server)).toEqual(['phantachat', 'socket.io']);
    expect(results.typing[0]!.keysSent).toBe(results.typing[1]!.keysSent);
    expect(results.idlePolls.map((r) => r.wakeDeliveredPct)).toEqual([100, 100]);
    expect(results.idleRooms[0]!.rooms).toBe(SMOKE_PLAN.idleRooms[0]!.rooms);
  }, SMOKE_TIMEOUT_MS);
});
